"""Rootwise's built-in homework templates: at least three per strategy, in our own words.

Ids are fixed, so a template keeps its id across releases and installations; `sync_builtin_
templates` (run after every migrate) writes this list into the database.
"""

import uuid

from api.vocabulary import Root, Strategy

NAMESPACE = uuid.UUID("5b0c6f0e-3f7a-4c1e-9a57-7f2e9c1d0b11")

BUILTIN_TEMPLATES = [
    # (key, strategy, title, target roots, instructions)
    (
        "thought-record-perfectionism",
        Strategy.SELF_REFLECTION,
        "Thought record for perfectionist moments",
        [Root.PERFECTIONISM],
        "Each day, when you notice yourself feeling you fell short, write down: the situation; "
        "the thought (for example 'it has to be perfect or it is worthless'); how strongly you "
        "believed it (0-100); the feeling and its intensity; evidence for and against the "
        "thought; a more balanced thought; and how strongly you now believe the first one. "
        "Bring the record to the next session.",
    ),
    (
        "comparison-diary",
        Strategy.SELF_REFLECTION,
        "Comparison diary",
        [Root.SOCIAL_COMPARISON],
        "For one week, note each time you compare yourself with someone, online or in person. "
        "Write who, where, what you compared, and how you felt before and after (0-10). At the "
        "end of the week, circle the three comparisons that hurt most and ask: what did I not "
        "see of their life, and what did I leave out of mine?",
    ),
    (
        "early-messages-letter",
        Strategy.SELF_REFLECTION,
        "Letter about early messages",
        [Root.EARLY_CHILDHOOD],
        "Take twenty minutes to write, not to send, a letter describing what you learned about "
        "your worth as a child: what was praised, what went unnoticed, what was criticised. "
        "Finish with one sentence you wish you had heard then, and read it aloud once a day.",
    ),
    (
        "failure-reappraisal",
        Strategy.SELF_REFLECTION,
        "Reappraising a past failure",
        [Root.PAST_FAILURES],
        "Choose one setback you still think about. Write the story you usually tell yourself "
        "about it. Then write it again as a fair friend would: what was outside your control, "
        "what you learned, and what you did afterwards that took courage.",
    ),
    (
        "first-appointment-plan",
        Strategy.PROFESSIONAL_HELP,
        "Preparing for the next session",
        [],
        "Before the next session, write down the two moments this week when you felt least "
        "sure of yourself, what you did, and what you would like to understand about them. "
        "Bring the notes, so that we start from what matters most to you.",
    ),
    (
        "coping-card",
        Strategy.PROFESSIONAL_HELP,
        "Coping card from session",
        [Root.PAST_FAILURES, Root.PERFECTIONISM],
        "Copy the coping statements we agreed in session onto a card or your phone. When you "
        "feel the old doubt rising, read the card, take three slow breaths and note the time "
        "and what happened next. Bring the notes to the next session.",
    ),
    (
        "support-options",
        Strategy.PROFESSIONAL_HELP,
        "Knowing where to turn between sessions",
        [],
        "List the people and services you could contact if things got harder between sessions: "
        "one trusted person, your GP or doctor, a crisis line and how to reach this practice. "
        "Keep the list where you can find it quickly.",
    ),
    (
        "relationship-map",
        Strategy.SUPPORTIVE_RELATIONSHIPS,
        "Relationship map",
        [Root.RELATIONSHIP_DYNAMICS],
        "Draw yourself in the middle of a page and the people in your life around you, closer "
        "or further away. Mark each one: do you usually feel more or less sure of yourself "
        "after time with them? Choose one supportive person to spend time with this week.",
    ),
    (
        "assertive-request",
        Strategy.SUPPORTIVE_RELATIONSHIPS,
        "One assertive request",
        [Root.RELATIONSHIP_DYNAMICS],
        "Plan one small request or opinion to share with your partner or someone close, using "
        "'I feel … when … I would like …'. Write down what you said, how they responded, and "
        "how you felt about speaking up, whatever the outcome.",
    ),
    (
        "reach-out",
        Strategy.SUPPORTIVE_RELATIONSHIPS,
        "Reaching out",
        [Root.SOCIAL_COMPARISON, Root.EARLY_CHILDHOOD],
        "Contact one person you trust this week for a real conversation rather than scrolling. "
        "Afterwards, note how you felt about yourself, compared with how you feel after time "
        "on social media.",
    ),
    (
        "good-enough-goal",
        Strategy.REALISTIC_GOALS,
        "A good-enough goal",
        [Root.PERFECTIONISM],
        "Pick one task you have been putting off because it has to be perfect. Decide what "
        "'good enough' looks like, give it a time limit, do it, and stop when the time is up. "
        "Note what happened and how others responded.",
    ),
    (
        "small-steps-ladder",
        Strategy.REALISTIC_GOALS,
        "Small-steps ladder",
        [Root.PAST_FAILURES],
        "Write a goal you gave up on after a setback. Break it into five small steps, the first "
        "one you could do in under fifteen minutes. Do the first step this week and tick it off.",
    ),
    (
        "weekly-wins",
        Strategy.REALISTIC_GOALS,
        "Weekly wins log",
        [Root.EARLY_CHILDHOOD, Root.SOCIAL_COMPARISON],
        "Each evening, write down one thing you did today that you set out to do, however "
        "small. At the end of the week, read the list and write one sentence about what it "
        "says about you.",
    ),
]


def builtin_template_id(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, key)


def sync_builtin_templates(**kwargs) -> None:
    """Write the built-in templates into the database (a post_migrate handler)."""
    from sessions.homework.models import HomeworkTemplate

    for key, strategy, title, roots, instructions in BUILTIN_TEMPLATES:
        HomeworkTemplate.objects.update_or_create(
            id=builtin_template_id(key),
            defaults={
                "practice": None,
                "author": None,
                "strategy": strategy,
                "title": title,
                "instructions": instructions,
                "target_roots": [str(root) for root in roots],
            },
        )

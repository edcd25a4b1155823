"""The fixed vocabularies from the source text: roots of insecurity and the strategy set.

Codes are API values and OpenAPI enums; they never change. Order is the source text's order.
"""

from django.db import models


class Root(models.TextChoices):
    EARLY_CHILDHOOD = "early_childhood", "Early childhood experiences"
    SOCIAL_COMPARISON = "social_comparison", "Social comparisons"
    PAST_FAILURES = "past_failures", "Past failures"
    RELATIONSHIP_DYNAMICS = "relationship_dynamics", "Relationship dynamics"
    PERFECTIONISM = "perfectionism", "Perfectionism"


class Strategy(models.TextChoices):
    SELF_REFLECTION = "self_reflection", "Self-reflection"
    PROFESSIONAL_HELP = "professional_help", "Seeking professional help"
    SUPPORTIVE_RELATIONSHIPS = "supportive_relationships", "Building supportive relationships"
    REALISTIC_GOALS = "realistic_goals", "Setting realistic goals"


ROOT_DESCRIPTIONS = {
    Root.EARLY_CHILDHOOD: (
        "How caregivers answered a child's needs shapes a lasting sense of safety and worth. "
        "Achievements that went unnoticed, or were met with criticism or indifference, can leave "
        "an adult still doubting their abilities and value, at work and in relationships."
    ),
    Root.SOCIAL_COMPARISON: (
        "Measuring oneself against others, above all against the curated successes, holidays "
        "and milestones seen on social media, can make one's own life and accomplishments seem "
        "lacking and feed a sense of inadequacy."
    ),
    Root.PAST_FAILURES: (
        "Earlier failures and rejections can harden into an inner story of not being good "
        "enough. That story deepens the insecurity and makes a person hold back from new "
        "opportunities."
    ),
    Root.RELATIONSHIP_DYNAMICS: (
        "Unstable relationships, or feeling undervalued by a partner whose opinions and "
        "decisions leave no room for one's own, can make a person question their worth and "
        "wear down their confidence over time."
    ),
    Root.PERFECTIONISM: (
        "Setting standards too high to meet, in study, work or social life, turns every "
        "shortfall into a blow to self-esteem, and repeated blows become a chronic feeling of "
        "insecurity."
    ),
}

STRATEGY_DESCRIPTIONS = {
    Strategy.SELF_REFLECTION: (
        "Regular, structured reflection helps a person see where their insecurity comes from "
        "and question the beliefs that limit them."
    ),
    Strategy.PROFESSIONAL_HELP: (
        "A therapist offers tools and strategies for coping with insecurity and, in time, "
        "overcoming it; seeking and using that help is itself a step forward."
    ),
    Strategy.SUPPORTIVE_RELATIONSHIPS: (
        "Relationships built on open communication and mutual respect strengthen self-esteem; "
        "the work is to grow those and to address the ones that undermine it."
    ),
    Strategy.REALISTIC_GOALS: (
        "Achievable goals let confidence grow step by step and reduce the sense of falling "
        "short that unrealistic expectations create."
    ),
}

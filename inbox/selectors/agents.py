"""One person's own settings, read once per request by the language middleware."""

from django.contrib.auth.models import AbstractBaseUser

from inbox.models import AgentProfile


def agent_profile_for(*, user: AbstractBaseUser) -> AgentProfile:
    """The user's profile, or an unsaved one with the defaults if they never saved one.

    Read through the reverse one-to-one accessor, so Django caches it on the user: the
    middleware's query is the only one a request makes, however many parts ask again.
    """
    try:
        return user.agent_profile
    except AgentProfile.DoesNotExist:
        return AgentProfile(user=user)

"""Forms of the actions on one conversation: status, assignment, labels, priority."""

from django import forms

from inbox.models import Conversation


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Conversation.Status.choices)

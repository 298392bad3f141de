from django import forms
from django.contrib.auth import get_user_model

from reviewwatch.roles import ROLES


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=[(key, key.title()) for key in ROLES], initial="staff")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(username=email).exists():
            raise forms.ValidationError("Someone with this email already has an account.")
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=[(key, key.title()) for key in ROLES])

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=True, label=_("Email"), help_text=_("For password resets and order news. Never shared."))

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")


class UploadForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif", "capture": "user"}
        )
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("e.g. Your eyes are closed; please retake.")}),
        max_length=1000,
    )


class GrantForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    amount = forms.IntegerField(label=_("Credits"), min_value=1, max_value=100_000)
    note = forms.CharField(label=_("Note"), max_length=200, initial=_("Goodwill credits"))

    def clean_username(self):
        name = self.cleaned_data["username"]
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise forms.ValidationError(_("No account with that username."))
        self.user = user
        return name

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=True, help_text="For password resets and order news. Never shared.")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")


class UploadForm(forms.Form):
    photo = forms.FileField(
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif", "capture": "user"}
        )
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "e.g. Your eyes are closed; please retake."}),
        max_length=1000,
    )


class GrantForm(forms.Form):
    username = forms.CharField(max_length=150)
    amount = forms.IntegerField(min_value=1, max_value=100_000)
    note = forms.CharField(max_length=200, initial="Goodwill credits")

    def clean_username(self):
        name = self.cleaned_data["username"]
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise forms.ValidationError("No account with that username.")
        self.user = user
        return name

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,text/plain"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class UploadForm(forms.Form):
    title = forms.CharField(label=_("العنوان"), max_length=500, required=False)
    body = forms.CharField(
        label=_("نص المقال"), widget=forms.Textarea(attrs={"rows": 12}), required=False
    )
    source = forms.CharField(label=_("المصدر"), max_length=200, required=False)
    published_at = forms.DateTimeField(
        label=_("تاريخ النشر"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    url = forms.URLField(label=_("الرابط"), required=False, assume_scheme="https")
    files = MultipleFileField(
        label=_("ملفات نصية"),
        required=False,
        help_text=_("ملف ‎.txt‎ أو أكثر بترميز UTF-8: السطر الأول عنوان المقال والباقي نصه."),
    )

    def clean(self):
        data = super().clean()
        if not data.get("files") and not (data.get("title") or data.get("body")):
            raise forms.ValidationError(_("الصق مقالًا (عنوانًا ونصًا) أو اختر ملفًا واحدًا على الأقل."))
        return data

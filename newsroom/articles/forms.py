from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from newsroom.articles.formats import SUPPORTED_SUFFIXES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        accept = ",".join(SUPPORTED_SUFFIXES)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class UploadForm(forms.Form):
    # Django refuses a request with more files than this (DATA_UPLOAD_MAX_NUMBER_FILES).
    max_files = settings.DATA_UPLOAD_MAX_NUMBER_FILES

    title = forms.CharField(label=_("العنوان"), max_length=500, required=False)
    body = forms.CharField(
        label=_("نص المقال"), widget=forms.Textarea(attrs={"rows": 12}), required=False
    )
    source = forms.CharField(
        label=_("المصدر"),
        max_length=200,
        required=False,
        help_text=_("يُستعمل للمقال الملصق ولكل مقال في الملفات لا يذكر مصدره."),
    )
    # A text field rather than the browser's date picker, whose labels and order follow the
    # browser's language: the Arabic hint shows the one format expected, in Western digits.
    published_at = forms.DateTimeField(
        label=_("تاريخ النشر"),
        required=False,
        input_formats=["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(
            attrs={
                "dir": "ltr",
                "inputmode": "numeric",
                "autocomplete": "off",
                "placeholder": "2026-11-30 14:30",
            },
            format="%Y-%m-%d %H:%M",
        ),
        # The examples are isolated left to right (U+2066 … U+2069), so the date stays before
        # the time inside the Arabic sentence.
        help_text=_(
            "سنة-شهر-يوم، والوقت اختياري (ساعة:دقيقة، 24 ساعة)، مثل \u20662026-11-30 14:30\u2069"
        ),
        error_messages={
            "invalid": _(
                "اكتب التاريخ بالصيغة سنة-شهر-يوم، مثل \u20662026-11-30\u2069 "
                "أو \u20662026-11-30 14:30\u2069."
            )
        },
    )
    url = forms.URLField(label=_("الرابط"), required=False, assume_scheme="https")
    # The help of this field (the accepted formats, as a list) is in the form's template.
    files = MultipleFileField(label=_("ملفات"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("files") and not (data.get("title") or data.get("body")):
            raise forms.ValidationError(_("الصق مقالًا (عنوانًا ونصًا) أو اختر ملفًا واحدًا على الأقل."))
        return data

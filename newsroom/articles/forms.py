from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
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
    published_at = forms.DateTimeField(
        label=_("تاريخ النشر"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    url = forms.URLField(label=_("الرابط"), required=False, assume_scheme="https")
    files = MultipleFileField(
        label=_("ملفات"),
        required=False,
        help_text=format_lazy(
            _(
                "ملف أو أكثر، حتى 100 ملف في المرة (للمزيد ضعها في أرشيف {zip}). الأنواع: "
                "{txt} (السطر الأول عنوان المقال)، {md}، {html} (يُستخرج نص المقال)، "
                "{json} و{jsonl} و{csv} (الحقول {fields})، وأرشيف {zip} أو {gz} لأيّ منها. "
                "الترميز: {encodings}."
            ),
            # Each Latin run is wrapped in left-to-right marks, so the dots stay in place in RTL.
            **{
                key: f"\u200e{value}\u200e"
                for key, value in {
                    "zip": ".zip",
                    "gz": ".gz",
                    "txt": ".txt",
                    "md": ".md",
                    "html": ".html",
                    "json": ".json",
                    "jsonl": ".jsonl",
                    "csv": ".csv",
                    "fields": "title, body, source, published, url",
                    "encodings": "UTF-8, UTF-16, Windows-1256, ISO-8859-6",
                }.items()
            },
        ),
    )

    def clean(self):
        data = super().clean()
        if not data.get("files") and not (data.get("title") or data.get("body")):
            raise forms.ValidationError(_("الصق مقالًا (عنوانًا ونصًا) أو اختر ملفًا واحدًا على الأقل."))
        return data

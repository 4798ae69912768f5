"""Password validation in Chinese.

Django 5.2 changed the message of its minimum-length validator (``%d`` instead of
``%(min_length)d``), so the zh-hans catalogue no longer matches it and the message came out in
English. The other validators' messages are translated by Django.
"""

from __future__ import annotations

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"

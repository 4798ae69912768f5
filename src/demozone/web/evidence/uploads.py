"""Receiving evidence files: straight from the request body into the staging area.

Django's default handlers keep small files in memory and spool large ones to the system's temp
directory in full; this handler writes each file once, on the evidence store's filesystem,
hashing as it goes, and keeps nothing past the size limit. A file the service never claims is
deleted when the request ends (``request.close`` closes every uploaded file).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParser
from django.utils.datastructures import ImmutableList

from demozone.web.evidence import storage
from demozone.web.evidence.services import Upload, upload_limit

if TYPE_CHECKING:
    from django.http import QueryDict
    from django.http.request import _PostDataProtocol
    from django.utils.datastructures import MultiValueDict

    # Django's File takes no type parameter at run time; the stubs make it generic.
    _BytesUpload = UploadedFile[bytes]
else:
    _BytesUpload = UploadedFile


class StagedUpload(_BytesUpload):
    def __init__(self, upload: Upload, content_type: str | None, charset: str | None) -> None:
        super().__init__(
            file=None,
            name=upload.name,
            content_type=content_type,
            size=upload.size,
            charset=charset,
        )
        self.upload = upload

    def close(self) -> None:
        self.upload.discard()


class StagingUploadHandler(FileUploadHandler):
    writer: storage.StagingWriter | None = None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.writer = storage.StagingWriter(upload_limit())

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        assert self.writer is not None
        self.writer.write(raw_data)

    def file_complete(self, file_size: int) -> StagedUpload:
        assert self.writer is not None
        staged = self.writer.finish()
        self.writer = None
        upload = Upload(name=self.file_name or "", size=file_size, staged=staged)
        return StagedUpload(upload, self.content_type, self.charset)

    def upload_interrupted(self) -> None:
        if self.writer is not None:
            self.writer.abort()
            self.writer = None


class _NameKeepingParser(MultiPartParser):
    """Django quietly cuts ``../../etc/passwd.pdf`` down to ``passwd.pdf``; the evidence upload
    refuses such a name with a message instead, so it gets the name as sent (it is never used as
    a path: files are stored by content hash)."""

    def sanitize_file_name(self, file_name: str) -> str | None:
        cleaned = super().sanitize_file_name(file_name)
        if cleaned and ("/" in file_name or "\\" in file_name):
            return file_name
        return cleaned


def receive_into_staging(request: HttpRequest) -> None:
    """Make the request's files stream into the evidence staging area, names kept as sent.
    Must run before anything reads ``request.POST`` or ``request.FILES``."""
    request.upload_handlers = [StagingUploadHandler(request)]

    def parse(
        meta: Mapping[str, Any], post_data: _PostDataProtocol
    ) -> tuple[QueryDict, MultiValueDict[str, UploadedFile[Any]]]:
        request.upload_handlers = ImmutableList(
            request.upload_handlers, warning="上传已开始处理，不能再更换上传处理器"
        )
        return _NameKeepingParser(
            meta, post_data, request.upload_handlers, request.encoding
        ).parse()

    # The one hook Django's own request parsing offers for choosing the parser. (mypy checks a
    # function set on an instance against the unbound method, self included.)
    request.parse_file_upload = parse  # type: ignore[method-assign,assignment]


def content_disposition(filename: str, fallback: str) -> str:
    """RFC 6266 with an RFC 5987 ``filename*`` for the Chinese name, and an ASCII ``filename``
    for the few clients that cannot read it."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"

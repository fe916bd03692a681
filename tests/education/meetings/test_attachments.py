"""A meeting's files (issue 10, item 1): kept in private storage under a generated name, only
PDF, JPEG, PNG, Word and Excel files told by their name and their first bytes, at most
ATTACHMENT_MAX_BYTES; downloaded only through the meeting's scope, as a download, each download
audited; removing one hides it and keeps the file."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from config.settings import base
from core.models import AuditEntry
from education.builders import hold_meeting
from education.meetings.actions import (
    clean_file_name,
    do_attach_meeting_file,
    do_remove_meeting_attachment,
    do_void_meeting,
)
from education.models import Meeting, MeetingAttachment

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16


def _office(part: str) -> bytes:
    """A ZIP archive holding `part` (word/document.xml makes a Word file, xl/workbook.xml an
    Excel one): what .docx and .xlsx files are."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path) -> Path:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def meeting(tree, secretary) -> Meeting:
    return hold_meeting(tree.a1, actor=secretary, held_on=timezone.localdate())


def _attach_url(meeting: Meeting) -> str:
    return reverse("education:meeting_attach", args=[meeting.pk])


def _file_url(attachment: MeetingAttachment, view: str = "education:meeting_attachment") -> str:
    return reverse(view, args=[attachment.meeting_id, attachment.pk])


def test_an_upload_is_stored_privately_under_a_generated_name(
    meeting, secretary, login, private_root
):
    upload = SimpleUploadedFile("支委会会议记录.pdf", PDF, content_type="text/html")
    response = login(secretary).post(_attach_url(meeting), {"file": upload})
    assert response.status_code == 302
    attachment = MeetingAttachment.objects.get(meeting=meeting)
    assert attachment.name == "支委会会议记录.pdf"
    assert attachment.content_type == "application/pdf"  # from the checked type, not the browser
    assert attachment.size == len(PDF)
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(private_root)
    assert "会议记录" not in stored.name
    assert stored.suffix == ".pdf"
    assert stored.read_bytes() == PDF
    assert AuditEntry.objects.get_for_object(attachment).get().actor == secretary


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("记录.pdf", PDF),
        ("照片.JPG", JPEG),
        ("照片.jpeg", JPEG),
        ("签到表.png", PNG),
        ("纪要.docx", _office("word/document.xml")),
        ("名单.xlsx", _office("xl/workbook.xml")),
    ],
)
def test_each_allowed_type_is_accepted(meeting, secretary, name, content):
    upload = SimpleUploadedFile(name, content)
    attachment = do_attach_meeting_file(actor=secretary, meeting=meeting, upload=upload)
    assert attachment.name == name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # A program renamed to look like a PDF, an HTML page calling itself a picture...
        ("记录.pdf", b"MZ\x90\x00" + b"\x00" * 20, "文件内容与扩展名（pdf）不符"),
        ("照片.png", b"<html><script>alert(1)</script></html>", "文件内容与扩展名（png）不符"),
        ("照片.jpg", PNG, "文件内容与扩展名（jpg）不符"),
        # ...a ZIP archive that is not a Word file, an Excel file named as Word.
        ("纪要.docx", _office("payload/run.sh"), "文件内容与扩展名（docx）不符"),
        ("纪要.docx", _office("xl/workbook.xml"), "文件内容与扩展名（docx）不符"),
        ("纪要.docx", b"PK\x03\x04 not really a zip", "文件内容与扩展名（docx）不符"),
        # Types never accepted, whatever their content.
        ("页面.html", PDF, "请上传PDF、JPG、PNG"),
        ("图.svg", PDF, "请上传PDF、JPG、PNG"),
        ("程序.exe", PDF, "请上传PDF、JPG、PNG"),
        ("pdf", PDF, "请上传PDF、JPG、PNG"),
        (".pdf", PDF, "请上传PDF、JPG、PNG"),
    ],
)
def test_a_wrong_type_is_refused_and_nothing_is_kept(
    meeting, secretary, login, private_root, name, content, message
):
    response = login(secretary).post(
        _attach_url(meeting), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not MeetingAttachment.objects.exists()
    assert not private_root.exists() or not any(private_root.rglob("*.*"))


def test_a_file_too_big_is_refused(meeting, secretary, login, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    content = PDF + b"0" * (1024 * 1024)
    response = login(secretary).post(
        _attach_url(meeting), {"file": SimpleUploadedFile("大文件.pdf", content)}
    )
    assert "文件太大：不能超过1 MB" in " ".join(response.context["form"].errors["file"])
    assert not MeetingAttachment.objects.exists()
    # Exactly the limit is accepted.
    upload = SimpleUploadedFile("刚好.pdf", PDF + b"0" * (1024 * 1024 - len(PDF)))
    assert do_attach_meeting_file(actor=secretary, meeting=meeting, upload=upload).pk


def test_an_empty_file_is_refused(meeting, secretary, login):
    response = login(secretary).post(
        _attach_url(meeting), {"file": SimpleUploadedFile("空.pdf", b"")}
    )
    assert response.context["form"].errors["file"]
    with pytest.raises(ValidationError, match="文件是空的"):
        do_attach_meeting_file(
            actor=secretary, meeting=meeting, upload=SimpleUploadedFile("空.pdf", b"")
        )


def test_the_shown_name_loses_folders_controls_and_nul():
    assert clean_file_name("C:\\Users\\张\\会议记录.pdf") == "会议记录.pdf"
    assert clean_file_name("../../etc/记录.pdf") == "记录.pdf"
    assert clean_file_name("会\x00议\r\n记录\x1b.pdf") == "会议记录.pdf"
    # A right-to-left override would show "记录exe.pdf" as "记录fdp.exe".
    assert clean_file_name("记录\u202eexe.pdf") == "记录exe.pdf"
    long_name = clean_file_name("长" * 300 + ".pdf")
    assert len(long_name) == 200
    assert long_name.endswith(".pdf")


def test_another_branch_cannot_attach(meeting, secretary2, inspector):
    for user in (secretary2, inspector):
        with pytest.raises(PermissionDenied):
            do_attach_meeting_file(
                actor=user, meeting=meeting, upload=SimpleUploadedFile("a.pdf", PDF)
            )


@pytest.fixture
def attachment(meeting, secretary) -> MeetingAttachment:
    upload = SimpleUploadedFile("../支委会 会议记录\x00.pdf", PDF)
    return do_attach_meeting_file(actor=secretary, meeting=meeting, upload=upload)


def test_a_download_is_an_attachment_never_sniffed_and_audited(attachment, town, login):
    response = login(town).get(_file_url(attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote('支委会 会议记录.pdf')}" in disposition
    event = AuditEntry.objects.get(event="meeting.attachment_downloaded")
    assert event.actor == town
    assert event.changes["name"] == "支委会 会议记录.pdf"
    assert event.org_path == attachment.meeting.organization.path


def test_downloads_are_scoped_to_the_meeting(attachment, tree, secretary, secretary2, login):
    """Out of scope (branch B1) is a 404, as is a file asked for under another meeting."""
    assert login(secretary2).get(_file_url(attachment)).status_code == 404
    other = hold_meeting(tree.a1, actor=secretary, held_on=timezone.localdate())
    wrong_pair = reverse("education:meeting_attachment", args=[other.pk, attachment.pk])
    assert login(secretary).get(wrong_pair).status_code == 404
    assert not AuditEntry.objects.filter(event="meeting.attachment_downloaded").exists()


def test_removal_hides_the_file_and_keeps_it(attachment, secretary, login):
    client = login(secretary)
    meeting_url = reverse("education:meeting", args=[attachment.meeting_id])
    assert attachment.name in client.get(meeting_url).content.decode()
    response = client.post(_file_url(attachment, "education:meeting_attachment_remove"))
    assert response.status_code == 302
    assert response["Location"] == meeting_url
    attachment.refresh_from_db()
    assert attachment.removed_at is not None
    assert Path(attachment.file.path).read_bytes() == PDF  # the file stays
    assert attachment.name not in client.get(meeting_url).content.decode()
    assert client.get(_file_url(attachment)).status_code == 404
    assert client.post(
        _file_url(attachment, "education:meeting_attachment_remove")
    ).status_code == (404)


def test_only_those_who_change_the_meeting_remove_files(attachment, secretary2, inspector):
    for user in (secretary2, inspector):
        with pytest.raises(PermissionDenied):
            do_remove_meeting_attachment(actor=user, attachment=attachment)
    attachment.refresh_from_db()
    assert attachment.removed_at is None


def test_no_static_or_media_url_serves_the_files(attachment, client, login, secretary):
    """The private folder is outside MEDIA_ROOT and the static folders, and neither URL space
    answers with a stored file's path."""
    root = Path(base.PRIVATE_MEDIA_ROOT).resolve()
    for public in (base.MEDIA_ROOT, base.STATIC_ROOT, *base.STATICFILES_DIRS):
        assert not root.is_relative_to(Path(public).resolve())
    client = login(secretary)
    name = attachment.file.name
    for prefix in (django_settings.STATIC_URL, django_settings.MEDIA_URL or "/media/", "/"):
        assert client.get(f"{prefix.rstrip('/')}/{name}").status_code == 404


def test_a_voided_meeting_takes_no_more_files_but_its_files_can_be_hidden(attachment, secretary):
    do_void_meeting(actor=secretary, meeting=attachment.meeting, reason="误录")
    with pytest.raises(ValidationError, match="已作废"):
        do_attach_meeting_file(
            actor=secretary, meeting=attachment.meeting, upload=SimpleUploadedFile("a.pdf", PDF)
        )
    do_remove_meeting_attachment(actor=secretary, attachment=attachment)
    attachment.refresh_from_db()
    assert attachment.removed_at is not None

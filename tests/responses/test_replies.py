"""Reply templates and placeholders, drafts and their versions, approval, and the posting record."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from monitors.models import Label
from responses.cases import StaleCase, open_case
from responses.models import Case, Remedy, ReplyDecision, ReplyDraft, ReplySettings, ReplyTemplate
from responses.replies import (
    ReplyError,
    approve,
    mark_posted,
    return_for_changes,
    save_draft,
    start_from_template,
    submit,
    tone_of,
)
from responses.reply_placeholders import fill, placeholders_in
from tests.responses.test_cases_opening import make_mention

pytestmark = pytest.mark.django_db

SEEDED = {
    "Product stopped working",
    "Late or lost delivery",
    "Rude or unhelpful staff",
    "Billing mistake",
    "Outage or service interruption",
    "Thank you for a positive review",
    "Vague complaint: ask for details",
}
HUMBLE = (
    "Hi Dana, thank you for telling us, and we're sorry the parcel arrived broken. We would like "
    "to send a replacement. Please write to us at support@acme.example. — Acme"
)


def configure() -> ReplySettings:
    reply_settings = ReplySettings.current()
    reply_settings.business_name = "The Acme Lamps team"
    reply_settings.product_default = "your lamp"
    reply_settings.contact = "support@acme.example"
    reply_settings.remedy_default = "a replacement or a full refund, whichever you prefer"
    reply_settings.save()
    return reply_settings


@pytest.fixture(autouse=True)
def acme_settings():
    return configure()


def make_case(**mention_fields) -> Case:
    return open_case(make_mention(**mention_fields))[0]


def test_placeholders_are_found_with_string_formatter():
    assert placeholders_in("Hi {author}, {remedy} from {business}. {{literal}}") == [
        "author",
        "remedy",
        "business",
    ]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("Hi {customer}, sorry.", "Unknown placeholder {customer}"),
        ("Hi {author.name}", "Unknown placeholder {author.name}"),
        ("Hi {0}", "Unknown placeholder {0}"),
        ("Hi {}", "Empty placeholder"),
        ("Hi {author", "braces do not match"),
        ("Hi {author:>9}", "take no format"),
    ],
)
def test_a_bad_placeholder_is_a_validation_error_naming_it(body, says):
    with pytest.raises(ValidationError) as error:
        placeholders_in(body)
    assert says in error.value.messages[0]


def test_fill_takes_author_from_the_mention_and_the_rest_from_settings():
    case = make_case(author="Dana")
    text = fill("Hi {author}, {business} offers {remedy} for {product}; {contact}", case)
    assert text == (
        "Hi Dana, The Acme Lamps team offers a replacement or a full refund, whichever you "
        "prefer for your lamp; support@acme.example"
    )


def test_fill_uses_the_latest_remedy_and_greets_an_anonymous_author_as_there():
    case = make_case(author="")
    Remedy.objects.create(case=case, kind=Remedy.Kind.REFUND, amount=Decimal("25.00"))
    assert fill("Hi {author}, {remedy}.", case) == "Hi there, a refund of 25.00."


def test_fill_refuses_an_unknown_placeholder_rather_than_leaving_a_blank():
    with pytest.raises(ValidationError, match="Unknown placeholder {order_number}"):
        fill("Your order {order_number} is on its way.", make_case())


def test_seeded_templates_cover_the_common_situations_and_pass_the_tone_check():
    assert set(ReplyTemplate.objects.values_list("name", flat=True)) >= SEEDED
    negative = make_case(text="The lamp arrived broken and the switch does not work.")
    happy = make_case(text="Lovely lamp, fast delivery.", label=Label.POSITIVE, rating=5)
    for template in ReplyTemplate.objects.filter(name__in=SEEDED):
        case = happy if template.name.startswith("Thank you") else negative
        report = tone_of(fill(template.body, case), case)
        assert report.ok and report.score >= 85, (template.name, report.findings)


def test_every_saved_text_is_kept_as_a_version_with_its_author(staff, owner):
    case = make_case()
    first = save_draft(case, staff, "Thank you, we are sorry.")
    second = save_draft(case, owner, HUMBLE)
    unchanged = save_draft(case, owner, HUMBLE + "  ")
    assert first.draft == second.draft == unchanged.draft
    assert unchanged.version is None
    versions = list(first.draft.versions.order_by("number"))
    assert [(v.number, v.author, v.text) for v in versions] == [
        (1, staff, "Thank you, we are sorry."),
        (2, owner, HUMBLE),
    ]
    assert versions[1].tone_ok and versions[1].tone_score >= 85


def test_an_empty_draft_is_refused(staff):
    with pytest.raises(ReplyError, match="Write the reply"):
        save_draft(make_case(), staff, "   ")


def test_starting_from_a_template_fills_it_as_a_new_version(staff):
    case = make_case(author="Dana")
    template = ReplyTemplate.objects.get(name="Late or lost delivery")
    saved = start_from_template(case, staff, template)
    assert saved.draft.template == template
    assert saved.version.text.startswith("Hi Dana, thank you for letting us know")
    assert "{" not in saved.version.text


def test_staff_reply_needs_the_owners_approval_and_staff_cannot_approve(staff, other_staff, owner):
    draft = save_draft(make_case(), staff, HUMBLE).draft
    submit(draft, staff)
    assert draft.state == ReplyDraft.State.PENDING
    with pytest.raises(ReplyError, match="Only an owner"):
        approve(draft, other_staff, 1)
    approve(draft, owner, 1)
    draft.refresh_from_db()
    assert draft.state == ReplyDraft.State.APPROVED
    assert draft.approved_version.text == HUMBLE
    kinds = [(d.kind, d.actor) for d in draft.decisions.all()]
    assert kinds == [(ReplyDecision.Kind.SUBMITTED, staff), (ReplyDecision.Kind.APPROVED, owner)]


def test_owner_returns_a_reply_with_a_comment_and_an_edit_goes_back_to_draft(staff, owner):
    case = make_case()
    draft = save_draft(case, staff, HUMBLE).draft
    submit(draft, staff)
    with pytest.raises(ReplyError, match="Say what should change"):
        return_for_changes(draft, owner, 1, "  ")
    return_for_changes(draft, owner, 1, "Mention the replacement date.")
    assert draft.state == ReplyDraft.State.RETURNED
    assert draft.decisions.last().comment == "Mention the replacement date."
    saved = save_draft(case, staff, HUMBLE + " It ships on Monday.")
    assert saved.draft.pk == draft.pk and saved.version.number == 2
    submit(saved.draft, staff)
    assert saved.draft.state == ReplyDraft.State.PENDING


def test_owner_approves_their_own_reply_at_once(owner):
    draft = save_draft(make_case(), owner, HUMBLE).draft
    submit(draft, owner)
    assert draft.state == ReplyDraft.State.APPROVED
    assert draft.decisions.get().actor == owner


def test_with_approval_switched_off_a_staff_reply_is_ready_at_once(staff):
    ReplySettings.objects.update_or_create(pk=1, defaults={"approval_required": False})
    draft = save_draft(make_case(), staff, HUMBLE).draft
    submit(draft, staff)
    assert draft.state == ReplyDraft.State.APPROVED


def test_a_defensive_reply_cannot_be_sent_until_it_is_fixed(staff):
    case = make_case()
    defensive = HUMBLE.replace("we're sorry", "it is not our fault")
    draft = save_draft(case, staff, defensive).draft
    with pytest.raises(ReplyError, match="tone check found a problem"):
        submit(draft, staff)
    assert draft.state == ReplyDraft.State.DRAFT
    assert "defensive_phrase" in tone_of(defensive, case).codes


def test_editing_an_approved_reply_needs_approval_again(staff, owner):
    case = make_case()
    draft = save_draft(case, staff, HUMBLE).draft
    submit(draft, staff)
    approve(draft, owner, 1)
    save_draft(case, staff, HUMBLE + " Again, sorry.")
    draft.refresh_from_db()
    assert draft.state == ReplyDraft.State.DRAFT and draft.approved_version is None


def test_marking_posted_awaits_the_customer_and_sets_the_first_response_time(owner):
    case = make_case()
    draft = save_draft(case, owner, HUMBLE).draft
    submit(draft, owner)
    case.refresh_from_db()
    mark_posted(draft, owner, case.version, url="https://www.trustpilot.com/reviews/1#reply")
    case.refresh_from_db()
    draft.refresh_from_db()
    assert case.status == Case.Status.AWAITING
    assert case.responded and case.first_responded_at is not None
    assert case.first_responded_at >= case.mention.first_seen_at
    assert draft.state == ReplyDraft.State.POSTED and draft.posted_by == owner
    assert draft.posted_url.endswith("#reply") and draft.posted_at is not None


def test_marking_posted_on_a_changed_case_records_nothing(owner):
    case = make_case()
    draft = save_draft(case, owner, HUMBLE).draft
    submit(draft, owner)
    with pytest.raises(StaleCase):
        mark_posted(draft, owner, case.version - 1)
    draft.refresh_from_db()
    case.refresh_from_db()
    assert draft.state == ReplyDraft.State.APPROVED and case.status == Case.Status.NEW


def test_only_an_approved_reply_can_be_marked_posted(staff):
    case = make_case()
    draft = save_draft(case, staff, HUMBLE).draft
    with pytest.raises(ReplyError, match="Only an approved reply"):
        mark_posted(draft, staff, case.version)


def test_after_posting_the_next_save_starts_a_new_reply(owner):
    case = make_case()
    draft = save_draft(case, owner, HUMBLE).draft
    submit(draft, owner)
    case.refresh_from_db()
    mark_posted(draft, owner, case.version)
    again = save_draft(case, owner, "Thank you for the update, Dana.")
    assert again.started and again.draft.pk != draft.pk


def test_a_seeded_template_fills_a_humble_reply_written_to_docs_sample(docs_dir: Path):
    case = make_case(
        author="Dana",
        text="My new desk lamp stopped working after a week. The switch just clicks.",
        rating=1,
    )
    template = ReplyTemplate.objects.get(name="Product stopped working")
    reply = fill(template.body, case)
    report = tone_of(reply, case)
    assert report.ok and report.score == 100 and not report.findings
    findings = "\n".join(f"- {f.code}: {f.message}" for f in report.findings) or "none"
    (docs_dir / "sample-reply.txt").write_text(
        f"Template: {template.name}\n"
        f"Review (1★, Dana): {case.mention.text}\n\n"
        f"{reply}\n\n"
        f"Tone check: score {report.score}/100, findings: {findings}\n"
    )

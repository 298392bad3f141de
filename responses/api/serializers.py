"""What the API answers with: mentions, cases, replies and sources as JSON. Read-only shapes;
what a client sends is described in the views' own request serializers."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from monitors.models import Mention, Revision, Source
from responses.models import Case, Event, ReplyDraft, ReplyVersion


class SourceSerializer(serializers.ModelSerializer):
    url = serializers.CharField(read_only=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "name",
            "kind",
            "url",
            "subject",
            "competitor_name",
            "enabled",
            "paused_reason",
            "poll_interval_minutes",
            "history_days",
            "created_at",
            "last_polled_at",
            "last_success_at",
            "consecutive_failures",
            "last_error",
        ]
        read_only_fields = fields


class MentionSerializer(serializers.ModelSerializer):
    source_name = serializers.CharField(source="source.name", read_only=True)
    url = serializers.CharField(read_only=True, help_text="Where it was published, if known.")
    case = serializers.SerializerMethodField()

    class Meta:
        model = Mention
        fields = [
            "id",
            "source",
            "source_name",
            "external_id",
            "url",
            "author",
            "title",
            "text",
            "rating",
            "published_at",
            "first_seen_at",
            "subject",
            "label",
            "score",
            "reason",
            "case",
        ]
        read_only_fields = fields

    def get_case(self, mention: Mention) -> int | None:
        """The id of the mention's case, if it has one."""
        try:
            return mention.case.pk
        except Case.DoesNotExist:
            return None


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Revision
        fields = ["seen_at", "changed", "old_title", "old_text", "old_rating", "new_rating"]
        read_only_fields = fields


class MentionDetailSerializer(MentionSerializer):
    revisions = RevisionSerializer(many=True, read_only=True)

    class Meta(MentionSerializer.Meta):
        fields = [*MentionSerializer.Meta.fields, "revisions"]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer):
    assignee = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    dismiss_reason = serializers.CharField(read_only=True, help_text="Empty unless dismissed.")
    mention = MentionSerializer(read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "version",
            "status",
            "dismiss_reason",
            "severity",
            "priority",
            "assignee",
            "tags",
            "opened_at",
            "clock_from",
            "due_at",
            "responded",
            "first_responded_at",
            "resolved_at",
            "outcome",
            "merged_into",
            "mention",
        ]
        read_only_fields = fields

    def get_assignee(self, case: Case) -> str | None:
        """The assignee's email address, or null."""
        return case.assignee.email if case.assignee else None

    def get_tags(self, case: Case) -> list[str]:
        return sorted(tag.name for tag in case.tags.all())


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["at", "kind", "actor", "old_value", "new_value", "note"]
        read_only_fields = fields

    def get_actor(self, event: Event) -> str | None:
        return event.actor.email if event.actor else None

    def get_note(self, event: Event) -> str | None:
        """The note's text, for a note event."""
        return event.note.body if event.note else None


class CaseDetailSerializer(CaseSerializer):
    events = EventSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "events"]
        read_only_fields = fields


class ReplyVersionSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = ReplyVersion
        fields = ["number", "text", "author", "created_at", "tone_score", "tone_ok"]
        read_only_fields = fields

    def get_author(self, version: ReplyVersion) -> str | None:
        return version.author.email if version.author else None


class ReplySerializer(serializers.ModelSerializer):
    """The case's newest reply: its state, newest version and the approved one."""

    latest = serializers.SerializerMethodField()
    posted_url = serializers.CharField(read_only=True)
    approved_version = serializers.SerializerMethodField()

    class Meta:
        model = ReplyDraft
        fields = ["id", "case", "state", "latest", "approved_version", "posted_at", "posted_url"]
        read_only_fields = fields

    @extend_schema_field(ReplyVersionSerializer(allow_null=True))
    def get_latest(self, draft: ReplyDraft) -> dict | None:
        version = draft.versions.select_related("author").first()
        return ReplyVersionSerializer(version).data if version else None

    def get_approved_version(self, draft: ReplyDraft) -> int | None:
        """The number of the approved version, once approved."""
        return draft.approved_version.number if draft.approved_version else None

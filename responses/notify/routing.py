"""Which channels hear of an event: team channels that chose its type, and the personal
channels of the people the alert is for, whatever their email settings say (a channel can
replace the email)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from responses.models import Case, Channel, NotifyEvent, ReplyDecision
from reviewwatch.roles import OWNER

Type = NotifyEvent.Type
ALERT_FOR = {
    Type.MENTION_NEGATIVE: Channel.Alert.NEGATIVE,
    Type.CASE_BREACHED: Channel.Alert.BREACH,
    Type.REPLY_SUBMITTED: Channel.Alert.APPROVAL,
    Type.REPLY_APPROVED: Channel.Alert.APPROVAL,
    Type.REPLY_RETURNED: Channel.Alert.APPROVAL,
    Type.INCIDENT_DECLARED: Channel.Alert.INCIDENT,
    Type.INCIDENT_UPDATED: Channel.Alert.INCIDENT,
}


def _active() -> QuerySet:
    return get_user_model().objects.filter(is_active=True)


def _owners() -> QuerySet:
    return _active().filter(Q(is_superuser=True) | Q(groups__name=OWNER))


def people_alerted(event: NotifyEvent) -> QuerySet:
    """The people this event is an alert for, as the email alerts choose them."""
    data = event.payload["data"]
    if event.type == Type.MENTION_NEGATIVE:
        return _active()
    if event.type == Type.CASE_BREACHED:
        case = Case.objects.filter(pk=data["case"]["id"]).first()
        assignee = _active().filter(pk=case.assignee_id) if case else _active().none()
        return assignee if assignee.exists() else _owners()
    if event.type in (Type.INCIDENT_DECLARED, Type.INCIDENT_UPDATED):
        return _owners()
    if event.type == Type.REPLY_SUBMITTED:
        decision = ReplyDecision.objects.filter(pk=data["reply"]["decision_id"]).first()
        return _owners().exclude(pk=decision.actor_id) if decision else _owners()
    if event.type in (Type.REPLY_APPROVED, Type.REPLY_RETURNED):
        decision = ReplyDecision.objects.filter(pk=data["reply"]["decision_id"]).first()
        if decision is None:
            return _active().none()
        sent_by = (
            decision.draft.decisions.filter(kind=ReplyDecision.Kind.SUBMITTED, pk__lt=decision.pk)
            .order_by("-pk")
            .values_list("actor_id", flat=True)
            .first()
        )
        return _active().filter(pk=sent_by).exclude(pk=decision.actor_id)
    return _active().none()


def channels_for(event: NotifyEvent) -> list[Channel]:
    team = [c for c in Channel.objects.filter(user__isnull=True) if event.type in c.event_types]
    alert = ALERT_FOR.get(event.type)
    if alert is None:
        return team
    people = people_alerted(event).values("pk")
    personal = Channel.objects.filter(user__in=people)
    return team + [c for c in personal if alert in c.alerts]

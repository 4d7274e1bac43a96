"""每月一题 pages: candidates and topics (/dashboard/topics/), one topic with its steps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline.models import Role
from tickets.guards import Refused

from . import actions, selectors
from .models import Topic


@login_required
def topic_list(request):
    period, candidates = selectors.candidates(request.user)
    topics = selectors.visible_topics(request.user).prefetch_related("participants")
    return render(
        request,
        "scoring/topics/list.html",
        {
            "period": period,
            "candidates": candidates,
            "may_propose": request.user.role in actions.PROPOSERS,
            "topics": topics,
        },
    )


@login_required
def topic_detail(request, pk):
    topic = get_object_or_404(
        selectors.visible_topics(request.user).prefetch_related(
            "participants", "tasks__unit", "tasks__progress__unit", "events__actor"
        ),
        pk=pk,
    )
    months = selectors.topic_months(topic)
    user = request.user
    leader = actions.in_leaders_reach(user, topic.district_id)
    adopted = topic.status == Topic.Status.ADOPTED
    return render(
        request,
        "scoring/topics/detail.html",
        {
            "topic": topic,
            "months": months,
            "chart": {
                "periods": [m["period"] for m in months],
                "volume": [m["volume"] for m in months],
                "resolution": [m["resolution"] for m in months],
                "satisfied": [m["satisfied"] for m in months],
                "adopted": topic.month,
                "labels": {
                    "volume": _("派单量"),
                    "resolution": _("解决率"),
                    "satisfied": _("满意占比"),
                    "adopted": _("立题"),
                },
            },
            "may_adopt": leader and topic.status == Topic.Status.PROPOSED,
            "may_add_task": adopted and (leader or user.unit_id == topic.lead_unit_id),
            "may_close": leader and adopted,
            "units": [topic.lead_unit, *topic.participants.all()] if topic.lead_unit else [],
            "leader_role": Role.LEADER,
        },
    )


def _step(request, pk, do):
    """Run one action from a form; a refusal or a bad field comes back as a message."""
    topic = get_object_or_404(selectors.visible_topics(request.user), pk=pk)
    try:
        result = do(topic)
    except Refused as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            messages.error(request, f"{field}: {'; '.join(errors)}")
    else:
        messages.success(request, _("已保存"))
        if isinstance(result, Topic):
            topic = result
    return redirect("scoring:topic", pk=topic.pk)


@login_required
@require_POST
def propose(request):
    try:
        topic = actions.propose_topic(
            actor=request.user,
            category=request.POST.get("category", ""),
            district=request.POST.get("district", ""),
            reason=request.POST.get("reason", ""),
            title=request.POST.get("title", ""),
        )
    except Refused as exc:
        messages.error(request, exc.message)
        return redirect("scoring:topics")
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("scoring:topics")
    return redirect("scoring:topic", pk=topic.pk)


@login_required
@require_POST
def adopt(request, pk):
    participants = [c.strip() for c in request.POST.get("participants", "").split(",") if c.strip()]
    return _step(
        request,
        pk,
        lambda topic: actions.adopt_topic(
            actor=request.user,
            topic=topic,
            month=request.POST.get("month", ""),
            lead_unit=request.POST.get("lead_unit", "").strip(),
            participants=participants,
        ),
    )


@login_required
@require_POST
def add_task(request, pk):
    return _step(
        request,
        pk,
        lambda topic: actions.add_task(
            actor=request.user,
            topic=topic,
            what=request.POST.get("what", ""),
            unit=request.POST.get("unit", ""),
            due=request.POST.get("due") or None,
        ),
    )


@login_required
@require_POST
def progress(request, pk, task_id):
    def do(topic):
        task = get_object_or_404(topic.tasks, pk=task_id)
        return actions.report_progress(
            actor=request.user,
            task=task,
            note=request.POST.get("note", ""),
            done=bool(request.POST.get("done")),
        )

    return _step(request, pk, do)


@login_required
@require_POST
def close(request, pk):
    return _step(
        request,
        pk,
        lambda topic: actions.close_topic(
            actor=request.user, topic=topic, conclusion=request.POST.get("conclusion", "")
        ),
    )

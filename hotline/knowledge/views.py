"""Knowledge base pages: browse and search, propose and edit, review queue, an article."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline.models import Role

from ..page_access import roles
from . import actions, lifecycle, selectors
from .forms import ArticleForm, BrowseForm, NoteForm, ReplyTemplateForm
from .lifecycle import AUTHORS, REVIEWERS, Refused
from .models import ReplyTemplate


def _attach(form, exc: ValidationError):
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def browse(request):
    form = BrowseForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    articles = selectors.browse(
        request.user,
        q=filters.get("q", ""),
        status=filters.get("status", ""),
        category=filters.get("category", "").strip(),
        mine=filters.get("mine", False),
    )
    page = Paginator(articles, 30).get_page(request.GET.get("page"))
    page.object_list = selectors.browse_page(page.object_list)
    return render(
        request,
        "knowledge/browse.html",
        {
            "form": form,
            "page": page,
            "may_propose": request.user.role in AUTHORS,
            "may_review": request.user.role in REVIEWERS,
        },
    )


@roles(*AUTHORS)
def propose(request):
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        submit = data.pop("submit")
        data.pop("note")
        try:
            article = actions.propose_article(actor=request.user, **data)
            if submit:
                actions.submit_article(actor=request.user, article=article)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("文章已保存"))
            return redirect("knowledge:article", article.pk)
    return render(
        request, "knowledge/edit.html", {"form": form}, status=400 if form.errors else 200
    )


def _visible(request, pk):
    return get_object_or_404(selectors.visible_articles(request.user), pk=pk)


@login_required
def article(request, pk):
    found = _visible(request, pk)
    found = selectors.article_with_versions(found.pk, request.user)
    steps = [
        s for s in lifecycle.allowed_steps(found, request.user) if s.name not in ("edit", "expire")
    ]
    return render(
        request,
        "knowledge/article.html",
        {
            "article": found,
            "shown": found.live or found.latest,
            "events": selectors.history(found),
            "steps": steps,
            "may_edit": lifecycle.refusal("edit", found, request.user) is None,
        },
    )


@roles(*AUTHORS)
def edit(request, pk):
    found = _visible(request, pk)
    problem = lifecycle.refusal("edit", found, request.user)
    if problem:
        raise PermissionDenied(problem.message)
    form = ArticleForm.for_version(found.latest, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        submit = data.pop("submit")
        try:
            actions.edit_article(actor=request.user, article=found, **data)
            if submit:
                actions.submit_article(actor=request.user, article=found)
        except ValidationError as exc:
            _attach(form, exc)
        except Refused as exc:
            messages.error(request, exc.message)
            return redirect("knowledge:article", found.pk)
        else:
            messages.success(request, _("已保存为新版本"))
            return redirect("knowledge:article", found.pk)
    return render(
        request,
        "knowledge/edit.html",
        {"form": form, "article": found},
        status=400 if form.errors else 200,
    )


STEP_ACTIONS = {
    "submit": actions.submit_article,
    "publish": actions.publish_article,
    "reject": actions.reject_article,
    "withdraw": actions.withdraw_article,
}


@login_required
@require_POST
def step(request, pk, name):
    if name not in STEP_ACTIONS:
        raise Http404
    found = _visible(request, pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        STEP_ACTIONS[name](actor=request.user, article=found, note=note)
    except Refused as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("“%(s)s”已完成") % {"s": lifecycle.STEPS[name].label})
    if request.POST.get("next") == "review":
        return redirect("knowledge:review")
    return redirect("knowledge:article", found.pk)


@roles(*REVIEWERS)
def review(request):
    queue = selectors.review_queue()
    return render(request, "knowledge/review.html", {"queue": queue})


@roles(Role.UNIT_STAFF)
def reply_templates(request):
    form = ReplyTemplateForm(request.POST or None)
    if request.method == "POST":
        delete = request.POST.get("delete")
        if delete:
            template = get_object_or_404(ReplyTemplate, pk=delete, unit_id=request.user.unit_id)
            actions.delete_reply_template(actor=request.user, template=template)
            messages.success(request, _("已删除"))
            return redirect("knowledge:replies")
        if form.is_valid():
            try:
                actions.save_reply_template(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _attach(form, exc)
            else:
                messages.success(request, _("已保存"))
                return redirect("knowledge:replies")
    return render(
        request,
        "knowledge/replies.html",
        {"form": form, "templates": selectors.reply_templates_for(request.user)},
        status=400 if form.errors else 200,
    )

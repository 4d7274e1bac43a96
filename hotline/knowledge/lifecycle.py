"""Which article step is allowed from which article status, by whom: one table.

Actions check it before they write; the API's 403/409 answers and the buttons on an
article's page read it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline.models import Role

from .models import ArticleStatus as A
from .models import VersionStatus as V

REVIEWERS = frozenset({Role.REVIEWER, Role.ADMIN})
# Units write about their own duties; the centre's reviewers and admins may write too.
AUTHORS = frozenset({Role.UNIT_STAFF, Role.REVIEWER, Role.ADMIN})
EVERY_STATUS = frozenset(A.values)


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    from_states: frozenset
    roles: frozenset
    # Authors outside the centre act only on their own unit's articles.
    own_unit: bool = False
    # Review steps look at the newest version (a correction of a published article is
    # reviewed while the published version stays in service); the others at the article.
    on_latest: bool = False

    def state(self, article):
        return article.latest.status if self.on_latest else article.status


STEPS = {
    s.name: s
    for s in [
        Step("edit", gettext_lazy("修改"), EVERY_STATUS, AUTHORS, own_unit=True),
        Step(
            "submit",
            gettext_lazy("提交审核"),
            frozenset({V.DRAFT}),
            AUTHORS,
            own_unit=True,
            on_latest=True,
        ),
        Step("publish", gettext_lazy("发布"), frozenset({V.IN_REVIEW}), REVIEWERS, on_latest=True),
        Step(
            "reject", gettext_lazy("退回修改"), frozenset({V.IN_REVIEW}), REVIEWERS, on_latest=True
        ),
        Step("withdraw", gettext_lazy("撤回"), frozenset({A.PUBLISHED, A.EXPIRED}), REVIEWERS),
        Step("expire", gettext_lazy("到期失效"), frozenset({A.PUBLISHED}), REVIEWERS),
    ]
}


class Refused(Exception):
    """A step that may not happen now: `status` 403 (role or unit) or 409 (state)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def refusal(step_name, article, user):
    """Why `user` may not take `step_name` on `article` now, or None. `user` None: the system."""
    step = STEPS[step_name]
    if user is not None:
        if user.role not in step.roles:
            return Refused(403, _("当前角色不能“%(s)s”知识库文章") % {"s": step.label})
        if step.own_unit and user.role == Role.UNIT_STAFF and article.owner_unit_id != user.unit_id:
            return Refused(403, _("只能修改本单位发布的文章"))
    state = step.state(article)
    if state not in step.from_states:
        label = (V if step.on_latest else A)(state).label
        return Refused(409, _("当前状态为“%(st)s”，不能“%(s)s”") % {"st": label, "s": step.label})
    return None


def check(step_name, article, user):
    problem = refusal(step_name, article, user)
    if problem:
        raise problem


def allowed_steps(article, user):
    return [s for name, s in STEPS.items() if refusal(name, article, user) is None]

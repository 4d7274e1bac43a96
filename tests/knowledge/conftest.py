"""Articles in every state, made through the knowledge actions."""

from datetime import date

import pytest

from hotline.knowledge import actions
from hotline.models import Category, Role


@pytest.fixture
def kb(staff, make_user):
    class KB:
        reviewer = staff.reviewer
        admin = make_user(Role.ADMIN, "12345")
        # The social-insurance department writes about 医保报销 (a street-level duty here:
        # the category names no duty unit, so any unit may write on it).
        author = staff.dept
        other_author = staff.other_dept

        @staticmethod
        def category(code="LD.SB.YB"):
            return Category.objects.get(code=code)

        def draft(self, *, title="医保报销怎么办", answer="持社保卡到定点医院结算", **fields):
            fields.setdefault("question", "门诊费用如何报销？")
            fields.setdefault("keywords", "医保 报销 社保卡")
            return actions.propose_article(
                actor=fields.pop("actor", self.author),
                title=title,
                answer=answer,
                categories=fields.pop("categories", [self.category()]),
                **fields,
            )

        def in_review(self, **fields):
            article = self.draft(**fields)
            return actions.submit_article(actor=article.created_by, article=article)

        def published(self, **fields):
            article = self.in_review(**fields)
            return actions.publish_article(actor=self.reviewer, article=article)

        def expired(self, **fields):
            article = self.published(expires_on=date(2099, 1, 1), **fields)
            return actions.expire_article(actor=self.reviewer, article=article)

        def withdrawn(self, **fields):
            article = self.published(**fields)
            return actions.withdraw_article(actor=self.reviewer, article=article, note="政策调整")

        def at(self, state, **fields):
            return {
                "draft": self.draft,
                "in_review": self.in_review,
                "published": self.published,
                "expired": self.expired,
                "withdrawn": self.withdrawn,
            }[state](**fields)

    return KB()

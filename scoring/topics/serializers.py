from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Topic, TopicEvent, TopicProgress, TopicTask

PERIOD = r"^\d{4}-(0[1-9]|1[0-2])$"


class TopicProgressSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    by = serializers.CharField(source="by.username", read_only=True)

    class Meta:
        model = TopicProgress
        fields = ["id", "unit", "note", "at", "by"]


class TopicTaskSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    progress = TopicProgressSerializer(many=True, read_only=True)

    class Meta:
        model = TopicTask
        fields = ["id", "what", "unit", "unit_name", "due", "done_at", "created_at", "progress"]


class TopicEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, default=None)
    unit = serializers.CharField(source="unit.code", read_only=True, default=None)

    class Meta:
        model = TopicEvent
        fields = ["type", "actor", "unit", "at", "note", "payload"]


class TopicSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.path", read_only=True)
    district = serializers.CharField(source="district.code", read_only=True, default=None)
    lead_unit = serializers.CharField(source="lead_unit.code", read_only=True, default=None)
    participants = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Topic
        fields = [
            "id",
            "title",
            "status",
            "category",
            "category_name",
            "district",
            "reason",
            "proposed_period",
            "month",
            "lead_unit",
            "participants",
            "conclusion",
            "created_at",
        ]


class TopicMonthSerializer(serializers.Serializer):
    period = serializers.CharField()
    after = serializers.BooleanField(help_text=_("立题月份及以后"))
    volume = serializers.IntegerField()
    valid = serializers.IntegerField()
    resolution = serializers.FloatField(allow_null=True)
    satisfied = serializers.FloatField(allow_null=True)


class TopicDetailSerializer(TopicSerializer):
    tasks = TopicTaskSerializer(many=True, read_only=True)
    events = TopicEventSerializer(many=True, read_only=True)
    months = TopicMonthSerializer(many=True, read_only=True)

    class Meta(TopicSerializer.Meta):
        fields = [*TopicSerializer.Meta.fields, "tasks", "events", "months"]


class TopicProposeSerializer(serializers.Serializer):
    category = serializers.CharField(max_length=32, help_text=_("诉求分类编码"))
    district = serializers.CharField(max_length=32, required=False, allow_blank=True)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
    period = serializers.RegexField(PERIOD, required=False)


class TopicAdoptSerializer(serializers.Serializer):
    month = serializers.RegexField(PERIOD, help_text="YYYY-MM")
    lead_unit = serializers.CharField(max_length=32, help_text=_("牵头单位编码"))
    participants = serializers.ListField(
        child=serializers.CharField(max_length=32), required=False, default=list
    )


class TopicTaskRequestSerializer(serializers.Serializer):
    what = serializers.CharField(max_length=200)
    unit = serializers.CharField(max_length=32, help_text=_("责任单位编码"))
    due = serializers.DateField()


class TopicProgressRequestSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)
    done = serializers.BooleanField(required=False, default=False)


class TopicCloseSerializer(serializers.Serializer):
    conclusion = serializers.CharField(max_length=4000)


class TopicCandidateSerializer(serializers.Serializer):
    category = serializers.CharField()
    name = serializers.CharField()
    district = serializers.CharField(allow_blank=True)
    district_name = serializers.CharField(allow_blank=True)
    reason = serializers.ChoiceField(choices=["rising", "repeating"])
    score = serializers.FloatField()
    now = serializers.IntegerField()
    series = serializers.ListField(child=serializers.IntegerField())
    taken = serializers.BooleanField()

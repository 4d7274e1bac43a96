from rest_framework import serializers

from hotline import validation as rules
from scoring.models import Group, UnitScore


def _rate():
    return serializers.FloatField(allow_null=True, read_only=True)


class UnitScoreSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True, help_text="单位编码")
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    response_rate = _rate()
    resolution_rate = _rate()
    satisfaction_rate = _rate()
    composite = _rate()
    response_low = _rate()
    response_high = _rate()
    resolution_low = _rate()
    resolution_high = _rate()
    satisfaction_low = _rate()
    satisfaction_high = _rate()
    composite_low = _rate()
    composite_high = _rate()

    class Meta:
        model = UnitScore
        fields = [
            "period",
            "unit",
            "unit_name",
            "group",
            "volume",
            "valid_callbacks",
            "contacted",
            "solved",
            "satisfied",
            "basically_satisfied",
            "excluded",
            "overdue",
            "response_rate",
            "resolution_rate",
            "satisfaction_rate",
            "composite",
            "rank",
            "rank_change",
            "flagged",
            "not_distinguishable",
            "response_low",
            "response_high",
            "resolution_low",
            "resolution_high",
            "satisfaction_low",
            "satisfaction_high",
            "composite_low",
            "composite_high",
        ]
        read_only_fields = fields


class ScoreQuerySerializer(serializers.Serializer):
    period = serializers.RegexField(
        rules.PERIOD_PATTERN,
        required=False,
        help_text="YYYY-MM；缺省为最近一个已计算的周期",
    )
    group = serializers.ChoiceField(choices=Group.choices, required=False)


class ComputeRequestSerializer(serializers.Serializer):
    period = serializers.RegexField(rules.PERIOD_PATTERN, help_text="YYYY-MM")
    override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="重算已发布（冻结）周期时必填"
    )


class ComputeQueuedSerializer(serializers.Serializer):
    period = serializers.CharField()
    status = serializers.CharField()


class PublishRequestSerializer(serializers.Serializer):
    period = serializers.RegexField(rules.PERIOD_PATTERN, help_text="YYYY-MM")


class PublishedSerializer(serializers.Serializer):
    period = serializers.CharField()
    published = serializers.BooleanField()
    published_at = serializers.DateTimeField()
    published_by = serializers.CharField(allow_null=True)

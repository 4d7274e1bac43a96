"""Shapes of the GeoReport v2 answers, for the OpenAPI schema only (views build plain dicts)."""

from rest_framework import serializers as s


class Open311Endpoint(s.Serializer):
    specification = s.CharField()
    url = s.URLField()
    changeset = s.CharField()
    type = s.CharField()
    formats = s.ListField(child=s.CharField())


class Open311Discovery(s.Serializer):
    changeset = s.CharField()
    contact = s.CharField()
    key_service = s.CharField()
    endpoints = Open311Endpoint(many=True)


class Open311Service(s.Serializer):
    service_code = s.CharField()
    service_name = s.CharField()
    description = s.CharField()
    metadata = s.BooleanField()
    type = s.CharField()
    keywords = s.CharField()
    group = s.CharField()


class Open311ServiceDefinition(s.Serializer):
    service_code = s.CharField()
    attributes = s.ListField(child=s.DictField())


class Open311ServiceRequest(s.Serializer):
    service_request_id = s.CharField()
    status = s.CharField(help_text="open | closed")
    status_notes = s.CharField()
    service_name = s.CharField()
    service_code = s.CharField()
    description = s.CharField()
    agency_responsible = s.CharField()
    service_notice = s.CharField()
    requested_datetime = s.DateTimeField()
    updated_datetime = s.DateTimeField()
    expected_datetime = s.DateTimeField(allow_null=True)
    address = s.CharField()
    address_id = s.CharField()
    zipcode = s.CharField()
    lat = s.FloatField(allow_null=True)
    long = s.FloatField(allow_null=True)
    media_url = s.CharField()


class Open311RequestUpdate(s.Serializer):
    update_id = s.CharField()
    service_request_id = s.CharField()
    status = s.CharField(
        help_text="open | action_scheduled | in_progress | fixed | closed | duplicate | "
        "internal_referral"
    )
    updated_datetime = s.DateTimeField()
    description = s.CharField()
    media_url = s.CharField()


class Open311Created(s.Serializer):
    service_request_id = s.CharField()
    service_notice = s.CharField()
    account_id = s.CharField(allow_null=True)


class Open311Error(s.Serializer):
    code = s.IntegerField()
    description = s.CharField()

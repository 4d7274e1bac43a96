"""GeoReport v2 XML: a root element, one child per key, list items named in the singular."""

from xml.etree.ElementTree import Element, SubElement, tostring

from hotline.validation import FORBIDDEN_CHARS

# The element a list's items get, by the list's own element name (as the standard spells it).
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "service_request_updates": "request_update",
}


def _fill(element: Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        item = ITEM_NAMES.get(element.tag, "item")
        for child in value:
            _fill(SubElement(element, item), child)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        # Text stored before the input guard may hold control characters XML cannot carry.
        element.text = FORBIDDEN_CHARS.sub("", str(value))


def render(root: str, data) -> bytes:
    element = Element(root)
    _fill(element, data)
    return tostring(element, encoding="utf-8", xml_declaration=True)

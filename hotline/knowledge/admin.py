"""Admin: reading and housekeeping. Status changes go through the actions (the pages and
API); a published version's words are read-only here as in the model."""

from django.contrib import admin

from .models import Article, ArticleEvent, ArticleVersion, ReplyTemplate


class VersionInline(admin.TabularInline):
    model = ArticleVersion
    fields = ["number", "status", "title", "effective_from", "expires_on", "published_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["id", "__str__", "status", "owner_unit", "use_count", "demo"]
    list_filter = ["status", "demo"]
    search_fields = ["versions__title"]
    readonly_fields = ["status", "live", "latest", "use_count", "last_used_at", "created_at"]
    raw_id_fields = ["owner_unit", "created_by"]
    inlines = [VersionInline]

    def has_add_permission(self, request):
        return False  # proposals go through the knowledge pages or the API


@admin.register(ArticleVersion)
class ArticleVersionAdmin(admin.ModelAdmin):
    list_display = ["title", "article", "number", "status", "issuing_unit", "expires_on"]
    list_filter = ["status"]
    search_fields = ["title"]
    raw_id_fields = ["article", "issuing_unit", "created_by", "published_by"]
    filter_horizontal = ["categories"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # Every edit is a new version made by edit_article (pages or API), and a published
        # version never changes: nothing here writes words.
        return [f.name for f in self.model._meta.fields] + ["categories"]


@admin.register(ArticleEvent)
class ArticleEventAdmin(admin.ModelAdmin):
    list_display = ["article", "type", "actor", "unit", "at"]
    list_filter = ["type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "created_at"]
    raw_id_fields = ["unit", "created_by"]
    search_fields = ["title", "unit__name"]

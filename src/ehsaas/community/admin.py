from django.contrib import admin

from ehsaas.community.models import (
    AdvisoryBoard,
    AgreedAction,
    BoardMeeting,
    BoardMember,
    FeedbackSession,
    RaisedIssue,
    Recommendation,
    SurveyImport,
    SurveyRound,
)


class RaisedIssueInline(admin.TabularInline):
    model = RaisedIssue
    extra = 0


class AgreedActionInline(admin.TabularInline):
    model = AgreedAction
    extra = 0


@admin.register(FeedbackSession)
class FeedbackSessionAdmin(admin.ModelAdmin):
    list_display = ("held_on", "kind", "district", "venue", "programme", "women", "men", "transgender")
    list_filter = ("kind", "programme")
    raw_id_fields = ("district", "tehsil")
    inlines = [RaisedIssueInline, AgreedActionInline]


class BoardMemberInline(admin.TabularInline):
    model = BoardMember
    extra = 0


@admin.register(AdvisoryBoard)
class AdvisoryBoardAdmin(admin.ModelAdmin):
    list_display = ("name", "district", "created_at")
    raw_id_fields = ("district",)
    inlines = [BoardMemberInline]


@admin.register(BoardMeeting)
class BoardMeetingAdmin(admin.ModelAdmin):
    list_display = ("board", "held_on")


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ("board", "made_on", "status", "decided_on")
    list_filter = ("status",)


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ("name", "programme", "starts_on", "ends_on")


@admin.register(SurveyImport)
class SurveyImportAdmin(admin.ModelAdmin):
    list_display = ("file_name", "survey_round", "responses", "imported_by", "imported_at")

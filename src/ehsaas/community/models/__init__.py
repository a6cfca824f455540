"""The records of community feedback: feedback sessions and town halls with the issues raised and the
actions agreed there; community advisory boards with their members, meetings and recommendations; and
satisfaction surveys of beneficiaries with their answers."""

from ehsaas.community.models.boards import AdvisoryBoard, BoardMeeting, BoardMember, Recommendation
from ehsaas.community.models.sessions import AgreedAction, FeedbackSession, RaisedIssue
from ehsaas.community.models.surveys import SurveyAnswer, SurveyImport, SurveyResponse, SurveyRound

__all__ = [
    "AdvisoryBoard",
    "AgreedAction",
    "BoardMeeting",
    "BoardMember",
    "FeedbackSession",
    "RaisedIssue",
    "Recommendation",
    "SurveyAnswer",
    "SurveyImport",
    "SurveyResponse",
    "SurveyRound",
]

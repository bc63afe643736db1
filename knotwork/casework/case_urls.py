"""Case routes, under ``casework/cases/``."""

from django.urls import path

from knotwork.casework import case_views as views

urlpatterns = [
    path("caseload/", views.caseload_page, name="caseload"),
    path("pupil/<uuid:pupil_uuid>/", views.pupil_cases_page, name="pupil-cases"),
    path("pupil/<uuid:pupil_uuid>/open/", views.case_open_page, name="case-open"),
    path("<uuid:case_uuid>/", views.case_detail_page, name="case"),
    path("<uuid:case_uuid>/team/new/", views.member_add_page, name="member-add"),
    path("<uuid:case_uuid>/team/<int:member_id>/end/", views.member_end_page, name="member-end"),
    path("<uuid:case_uuid>/actions/new/", views.action_add_page, name="action-add"),
    path(
        "<uuid:case_uuid>/actions/<uuid:action_uuid>/", views.action_edit_page, name="action-edit"
    ),
    path("<uuid:case_uuid>/reviews/new/", views.review_record_page, name="review-record"),
    path("<uuid:case_uuid>/reviews/book/", views.review_book_page, name="review-book"),
    path("<uuid:case_uuid>/close/", views.case_close_page, name="case-close"),
    path("<uuid:case_uuid>/reopen/", views.case_reopen_page, name="case-reopen"),
    path("<uuid:case_uuid>/lead/", views.case_lead_page, name="case-lead"),
]

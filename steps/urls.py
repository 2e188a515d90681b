from django.urls import path

from . import views

app_name = "steps"

urlpatterns = [
    path("regions/<int:region_id>/steps/<str:code>/start/", views.step_start, name="start"),
    path(
        "regions/<int:region_id>/steps/<str:code>/complete/", views.step_complete, name="complete"
    ),
    path("regions/<int:region_id>/steps/<str:code>/skip/", views.step_skip, name="skip"),
    path(
        "regions/<int:region_id>/decisions/<slug:point_code>/",
        views.decision_create,
        name="decide",
    ),
    # 2b: business case
    path("regions/<int:region_id>/business-case/", views.business_case, name="business_case"),
    path(
        "regions/<int:region_id>/business-case/scenarios/",
        views.scenario_create,
        name="scenario_create",
    ),
    path(
        "regions/<int:region_id>/business-case/scenarios/<int:scenario_id>/",
        views.scenario_update,
        name="scenario_update",
    ),
    path(
        "regions/<int:region_id>/business-case/scenarios/<int:scenario_id>/copy/",
        views.scenario_copy,
        name="scenario_copy",
    ),
    path(
        "regions/<int:region_id>/business-case/scenarios/<int:scenario_id>/delete/",
        views.scenario_delete,
        name="scenario_delete",
    ),
    path(
        "regions/<int:region_id>/business-case/scenarios/<int:scenario_id>/costs/",
        views.cost_add,
        name="cost_add",
    ),
    path(
        "regions/<int:region_id>/business-case/scenarios/<int:scenario_id>/benefits/",
        views.benefit_add,
        name="benefit_add",
    ),
    # Before the item paths below, whose <kind> would take "outcomes".
    path(
        "regions/<int:region_id>/business-case/scenarios/<int:scenario_id>/outcomes/",
        views.outcome_add,
        name="outcome_add",
    ),
    path(
        "regions/<int:region_id>/business-case/scenarios/<int:scenario_id>/outcomes/"
        "<int:outcome_id>/delete/",
        views.outcome_delete,
        name="outcome_delete",
    ),
    path(
        "regions/<int:region_id>/business-case/scenarios/<int:scenario_id>/"
        "<str:kind>/<int:item_id>/delete/",
        views.item_delete,
        name="item_delete",
    ),
    path(
        "regions/<int:region_id>/business-case/scenarios/<int:scenario_id>/"
        "<str:kind>/<int:item_id>/library-update/",
        views.item_library_update,
        name="item_library_update",
    ),
    # The national unit-cost library and price index
    path("unit-costs/", views.unit_cost_library, name="library"),
    path("unit-costs/values/", views.unit_value_create, name="unit_value_create"),
    path(
        "unit-costs/values/<int:value_id>/versions/",
        views.unit_value_revise,
        name="unit_value_revise",
    ),
    path("unit-costs/price-index/", views.price_index_save, name="price_index_save"),
    path(
        "regions/<int:region_id>/business-case/scenarios/<int:scenario_id>/split/",
        views.split_update,
        name="split_update",
    ),
    # 2a: target group and intervention
    path("regions/<int:region_id>/target-group/", views.target_group, name="target_group"),
    path(
        "regions/<int:region_id>/target-group/save/",
        views.target_group_save,
        name="target_group_save",
    ),
    path(
        "regions/<int:region_id>/target-group/interventions/",
        views.intervention_choose,
        name="intervention_choose",
    ),
    path(
        "regions/<int:region_id>/target-group/interventions/own/",
        views.intervention_own,
        name="intervention_own",
    ),
    path(
        "regions/<int:region_id>/target-group/interventions/<int:choice_id>/remove/",
        views.intervention_remove,
        name="intervention_remove",
    ),
    path(
        "regions/<int:region_id>/target-group/passages/",
        views.passage_link,
        name="passage_link",
    ),
    path(
        "regions/<int:region_id>/target-group/passages/<int:link_id>/remove/",
        views.passage_unlink,
        name="passage_unlink",
    ),
    # 3: work plan
    path("regions/<int:region_id>/work-plan/", views.work_plan, name="work_plan"),
    path(
        "regions/<int:region_id>/work-plan/activities/",
        views.activity_save,
        name="activity_add",
    ),
    path(
        "regions/<int:region_id>/work-plan/activities/<int:activity_id>/",
        views.activity_save,
        name="activity_update",
    ),
    path(
        "regions/<int:region_id>/work-plan/milestones/",
        views.milestone_add,
        name="milestone_add",
    ),
    path(
        "regions/<int:region_id>/work-plan/<str:kind>/<int:item_id>/delete/",
        views.work_plan_item_delete,
        name="work_plan_item_delete",
    ),
    path(
        "regions/<int:region_id>/work-plan/publish/",
        views.work_plan_publish,
        name="work_plan_publish",
    ),
    path(
        "regions/<int:region_id>/work-plan/versions/<int:number>/",
        views.work_plan_version,
        name="work_plan_version",
    ),
    # 5: monitoring
    path("regions/<int:region_id>/monitoring/", views.monitoring_page, name="monitoring"),
    path(
        "regions/<int:region_id>/monitoring/setup/",
        views.monitoring_setup,
        name="monitoring_setup",
    ),
    path(
        "regions/<int:region_id>/monitoring/measurements/",
        views.measurements_save,
        name="measurements_save",
    ),
    path(
        "regions/<int:region_id>/monitoring/import/",
        views.measurements_import,
        name="measurements_import",
    ),
    path(
        "regions/<int:region_id>/monitoring/indicators/",
        views.indicator_save,
        name="indicator_add",
    ),
    path(
        "regions/<int:region_id>/monitoring/indicators/<int:indicator_id>/",
        views.indicator_save,
        name="indicator_update",
    ),
]

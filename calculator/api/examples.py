"""Request examples shown in the OpenAPI document (and sent first by schemathesis' examples phase)."""

from __future__ import annotations

from typing import Any

SEED_STARTUP: dict[str, Any] = {
    "company": {
        "name": "Nanshan Model Lab (seed stage)",
        "entity_type": "enterprise",
        "founding_date": "2025-06-01",
        "registration_district": "nanshan",
        "operating_district": "nanshan",
        "zone_flags": [],
        "independent_legal_person": "yes",
        "in_ai_or_robotics_industry": "yes",
        "tax_year": 2025,
        "employees": 12,
        "st_staff": 9,
        "revenue_latest": "800,000",
        "revenue_3y": "800,000",
        "rd_expense_3y": "3,600,000",
        "taxable_income": "-2,500,000",
        "rd_expensed": "3,600,000",
        "hnte_certified": "no",
        "rents_compute_for_model_training": "yes",
        "compute_service_contract_amount": "200万",
        "is_startup_per_guide": "unknown",
    }
}

COMPANY_WITH_STAFF: dict[str, Any] = {
    "company": {
        "name": "Qianhai Cross-Border AI Services",
        "registration_district": "nanshan",
        "operating_district": "nanshan",
        "zone_flags": ["qianhai"],
        "tax_year": 2025,
        "employees": 60,
        "revenue_latest": "40,000,000",
    },
    "people": [
        {
            "ref": "HK-001",
            "department": "Engineering",
            "identity": "hk_permanent_resident",
            "annual_gross_income": "1,800,000",
            "pays_iit_in_shenzhen": "yes",
            "works_in_zone": "yes",
            "fx_cny_per_hkd": "0.92",
        }
    ],
}

ROSTER: dict[str, Any] = {
    "people": [
        {"ref": "E01", "department": "R&D", "identity": "mainland", "degree": "phd",
         "introduction_date": "2019-07-01", "tax_year": 2025, "annual_gross_income": "900,000",
         "pays_iit_in_shenzhen": "yes"},
        {"ref": "E02", "department": "Research", "identity": "foreign_national", "degree": "master",
         "tax_year": 2025, "annual_gross_income": 2400000, "pays_iit_in_shenzhen": "yes",
         "recognised_high_end_or_shortage_talent": "unknown"},
    ]
}

ASSESSMENT_EXAMPLES = {
    "seed_startup": {"summary": "A seed-stage model start-up in Nanshan", "value": SEED_STARTUP},
    "company_with_staff": {"summary": "A Qianhai company and a Hong Kong employee", "value": COMPANY_WITH_STAFF},
}
PEOPLE_EXAMPLES = {"roster": {"summary": "Two employees assessed alone", "value": ROSTER}}

"""Clauses of the Infocom94 demo portal: the 15 templates and a few filled instances.

Run after ``ckan socle demo load`` (which creates the ``commune-<INSEE>`` organisations and their
socle datasets): ``ckan socle clauses demo``. Idempotent: an instance whose organisation already
has one with the same contract reference is not created again.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.socle.clauses import model, registry
from ckanext.socle.clauses.logic import action


def _row(title, schema, frequency, first, dataset="", fmt="CSV", deadline=15,
         channel="portal_upload"):
    return {"title": title, "schema": schema, "format": fmt, "frequency": frequency,
            "first_delivery": first, "deadline_days": deadline, "channel": channel,
            "dataset": dataset}


INSTANCES = [
    {"organization": "commune-94028", "template": "od-fourniture-donnees-marche", "private": False,
     "values": {
         "contract.reference": "2025-042", "contract.ccag": "FCS",
         "contract.object": "Gestion et maintenance des équipements sportifs municipaux",
         "contract.start_date": "2025-01-01", "contract.end_date": "2027-12-31",
         "contractor.name": "Sport Services Val-de-Marne SAS", "penalty.per_day": "150",
         "penalty.cap": "5 %", "contact.email": "opendata@94028.demo.example.org",
         "datasets": [
             _row("Équipements sportifs municipaux", "equipements@0.1.5", "yearly", "2025-06-30",
                  "equipements-94028-2025"),
             _row("Catalogue des données du marché", "catalogue@0.1.3", "yearly", "2025-06-30"),
             _row("Fréquentation mensuelle des équipements", "", "monthly", "J+30"),
         ]}},
    {"organization": "commune-94028", "template": "restauration-menus-egalim", "private": True,
     "values": {
         "contract.reference": "2025-017", "contract.object": "Fourniture de repas en liaison froide",
         "contract.start_date": "2025-09-01", "contract.end_date": "2029-08-31",
         "contractor.name": "Cuisine Centrale de l'Est SAS",
         "restaurants": ["Groupe scolaire Paul-Bert", "Groupe scolaire des Sarrazins",
                         "Crèche des Bleuets"], "penalty.per_day": "100"}},
    {"organization": "commune-94052", "template": "od-fourniture-donnees-marche", "private": False,
     "values": {
         "contract.reference": "2025-TIC-03", "contract.ccag": "TIC",
         "contract.object": "Progiciel de gestion des subventions et des délibérations",
         "contract.start_date": "2025-02-01", "contract.end_date": "2028-01-31",
         "contractor.name": "Logiciels Publics SAS", "penalty.per_day": "80",
         "datasets": [
             _row("Subventions attribuées", "subventions@2.1.1", "yearly", "2025-03-31",
                  "subventions-94052-2025", channel="ckan_api"),
             _row("Délibérations du conseil municipal", "deliberations@2.1.5", "monthly", "J+30",
                  "deliberations-94052-2025", channel="ckan_api"),
         ]}},
    {"organization": "commune-94046", "template": "dsp-donnees-concession", "private": False,
     "values": {
         "contract.reference": "DSP-2024-01",
         "contract.object": "Délégation de service public du centre aquatique",
         "contract.start_date": "2024-07-01", "contract.end_date": "2030-06-30",
         "contractor.name": "Aqua Gestion SAS", "penalty.per_day": "200", "penalty.cap": "3 %",
         "datasets": [
             _row("Équipements du centre aquatique", "equipements@0.1.5", "yearly", "2024-12-31"),
             _row("Fréquentation et recettes mensuelles", "", "monthly", "J+45"),
             _row("Tarifs en vigueur", "", "per_event", "J+15"),
         ]}},
    {"organization": "commune-94068", "template": "reversibilite-fin-contrat", "private": False,
     "values": {
         "contract.reference": "2023-SI-11", "contract.object": "Hébergement du portail famille",
         "contract.start_date": "2023-01-01", "contract.end_date": "2026-12-31",
         "contractor.name": "Nuage Territorial SAS", "penalty.per_day": "120"}},
]


def load(progress=print) -> dict:
    """Seed the templates, then create the demo instances whose organisation exists."""
    report = action.import_templates(registry.load_seed(), author="ckanext-socle")
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    created = 0
    for item in INSTANCES:
        try:
            organization = tk.get_action("organization_show")(
                {"ignore_auth": True}, {"id": item["organization"], "include_datasets": False})
        except tk.ObjectNotFound:
            progress(f"organisation {item['organization']} absente : chargez d'abord la démo")
            continue
        exists = model.session().query(model.ClauseInstance).filter_by(
            organization_id=organization["id"],
            contract_reference=item["values"]["contract.reference"]).first()
        if exists:
            continue
        action.socle_clause_instance_create({"ignore_auth": True, "user": site_user}, {
            "template": item["template"], "organization": organization["id"],
            "values": item["values"], "private": item["private"]})
        created += 1
    progress(f"modèles créés : {len(report['created'])}, clauses de démonstration créées : {created}")
    return {"templates": report, "instances": created}

#!/usr/bin/env python3
"""A hospital-like journey for the report's tests: 18 touchpoints with human names in six
stages, three segments, economics in GBP and 12 redesigns (one of them far too dear to pay).

Usage: hospital_scenario.py FOLDER   (writes FOLDER/scenario.yaml and its two tables)
"""
import os
import sys

STAGES = [
    ("referral", [("gp_referral", "GP referral letter", "post"), ("referral_triage", "Referral triage", "internal"),
                  ("booking_call", "Appointment booking call", "phone")]),
    ("outpatients", [("reminder_sms", "Appointment reminder", "sms"),
                     ("outpatient_visit", "Outpatient consultation", "in person"),
                     ("tests", "Blood tests and scans", "in person"), ("results_letter", "Results letter", "post")]),
    ("admission", [("pre_op", "Pre-operative assessment", "in person"),
                   ("admission_desk", "Admission on the day", "in person")]),
    ("treatment", [("surgery", "Surgery", "in person"), ("ward_care", "Ward care after surgery", "in person"),
                   ("pain_team", "Pain management team", "in person")]),
    ("discharge", [("discharge_planning", "Discharge planning", "in person"),
                   ("pharmacy", "Discharge medication from the pharmacy", "in person"),
                   ("transport", "Patient transport home", "vehicle")]),
    ("follow-up", [("follow_up_call", "Follow-up call from the ward", "phone"),
                   ("physio", "Physiotherapy sessions", "in person"),
                   ("patient_liaison", "Patient advice and liaison service (complaints)", "phone")]),
]


def write(folder):
    os.makedirs(folder, exist_ok=True)
    tps = [(tid, name, stage, channel) for stage, rows in STAGES for tid, name, channel in rows]
    main = [t for t in tps if t[0] != "patient_liaison"]
    lines = ["id,name,stage,channel,reliability,relevance,value,trust,recovery,outcome,effort_minutes,cost"]
    for i, (tid, name, stage, channel) in enumerate(tps):
        reliability = 0.78 + 0.012 * ((i * 7) % 15)
        recovery = 0.6 if tid == "patient_liaison" else 0
        lines.append(f'{tid},"{name}",{stage},{channel},{reliability:.3f},{0.5 + 0.025 * (i % 12):.3f},'
                     f'{0.55 + 0.02 * (i % 9):.2f},0.2,{recovery},,{15 + 10 * (i % 5)},{20 + 5 * i}')
    lines.append("recovered,Treated and home,follow-up,,1,1,1,0,0,retained,,")
    lines.append("went_elsewhere,Went to another hospital,referral,,1,1,1,0,0,defected,,")
    lines.append("left_list,Left the waiting list,referral,,1,1,1,0,0,defected,,")
    open(os.path.join(folder, "touchpoints.csv"), "w").write("\n".join(lines) + "\n")
    tr = ["from,to,probability,when"]
    for i, (tid, *_rest) in enumerate(main):
        nxt = main[i + 1][0] if i + 1 < len(main) else "recovered"
        tr.append(f"{tid},{nxt},1,ok")
        tr.append(f"{tid},{tid},0.5,fail")
        tr.append(f"{tid},{'left_list' if i < 4 else 'went_elsewhere'},0.3,fail")
        tr.append(f"{tid},patient_liaison,0.2,fail")
    tr.append("patient_liaison,follow_up_call,1,ok")
    tr.append("patient_liaison,went_elsewhere,0.6,fail")
    tr.append("patient_liaison,recovered,0.4,fail")
    open(os.path.join(folder, "transitions.csv"), "w").write("\n".join(tr) + "\n")
    variants = []
    for k, (tid, name, *_rest) in enumerate(main[:12]):
        cost = 9000000 if k == 5 else 20000 + 15000 * k
        variants.append(f"""  - name: better_{tid}
    description: "Make the {name.lower()} work first time: fewer failures and repeat visits."
    cost_per_year: {cost}
    touchpoints:
      {tid}: {{reliability: 0.97}}
""")
    open(os.path.join(folder, "scenario.yaml"), "w").write(f"""name: Hospital elective surgery
description: A patient referred for elective surgery, from the GP's letter to physiotherapy at home.
journey:
  start: gp_referral
  touchpoints: touchpoints.csv
  transitions: transitions.csv
segments:
  - {{name: working_age, share: 0.45, value_expectation: 0.6, sensitivity: {{reliability: 0.06, relevance: 0.03, value: 0.1, effort: 0.03}}, silent_churn: 0.5, heterogeneity: 0.4}}
  - {{name: older_patients, share: 0.4, value_expectation: 0.5, sensitivity: {{reliability: 0.04, relevance: 0.05, value: 0.05, effort: 0.02}}, silent_churn: 0.3, heterogeneity: 0.3}}
  - {{name: carers, share: 0.15, value_expectation: 0.55, sensitivity: {{reliability: 0.08, relevance: 0.06, value: 0.08, effort: 0.05}}, silent_churn: 0.6, heterogeneity: 0.5}}
simulation: {{customers: 20000, seed: 11, max_steps: 5000}}
economics: {{customers_per_year: 40000, value_per_customer: 2500, currency: GBP}}
variants:
""" + "".join(variants))
    return os.path.join(folder, "scenario.yaml")


if __name__ == "__main__":
    print(write(sys.argv[1]))

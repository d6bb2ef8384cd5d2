"""The workbook's own words, in both languages: sheet names, headers, notes.

Program names, conditions, flags and every other policy text come from the assessment document (the rule
tables are bilingual); only the workbook's frame is here.
"""

from __future__ import annotations

SHEETS = {
    "summary": {"en": "Summary", "zh": "摘要"},
    "programs": {"en": "Programs", "zh": "项目"},
    "criteria": {"en": "Criteria", "zh": "条件"},
    "gaps": {"en": "Gaps", "zh": "差距"},
    "people": {"en": "People", "zh": "人员"},
    "permissions": {"en": "Permissions and obligations", "zh": "许可与义务"},
    "sources": {"en": "Sources", "zh": "来源"},
    "inputs": {"en": "Inputs", "zh": "输入"},
}

WORDS = {
    # summary
    "title": {"en": "Shenzhen AI-industry incentives: estimate", "zh": "深圳人工智能产业政策激励测算"},
    "company": {"en": "Company", "zh": "公司"},
    "no_company": {"en": "(no company: people only)", "zh": "（未测算公司，仅测算人员）"},
    "people_assessed": {"en": "People assessed", "zh": "测算人数"},
    "as_of": {"en": "As of", "zh": "测算日期"},
    "tables_version": {"en": "Rule-table version", "zh": "规则表版本"},
    "engine_version": {"en": "Engine version", "zh": "测算引擎版本"},
    "please_note": {"en": "Please note", "zh": "重要提示"},
    "how_totals": {"en": "How the totals work", "zh": "合计如何计算"},
    "how_totals_text": {
        "en": "The totals below are formulas. They add the Low and High of every row on the Programs sheet whose "
              "\"Counted in totals\" is above 0, plus any combined-limit adjustments. A row counts when the program is "
              "likely eligible, has a known amount and is not excluded by stacking. People's programs are added up "
              "per program on the People sheet. Edit an estimate, or set a count to 0 or 1, and every total follows. "
              "The Inputs sheet holds the profile as given, so the result can be reproduced.",
        "zh": "下列合计均为公式：把“项目”表中“计入合计”大于 0 的各行的低值和高值相加，再加上合并上限调整。"
              "可能符合条件、金额已知且未因叠加规则被排除的项目才计入。人员的项目在“人员”表中按项目汇总。"
              "修改任一测算金额，或把计入标记改为 0 或 1，所有合计随之更新。“输入”表保存了所填资料，可据此重现本结果。",
    },
    "totals_heading": {"en": "Estimated support after stacking, by family", "zh": "叠加规则后的预计支持（按类别）"},
    "family": {"en": "Family", "zh": "类别"},
    "programs_counted": {"en": "Programs counted", "zh": "计入项目数"},
    "low": {"en": "Low (CNY)", "zh": "低值（元）"},
    "high": {"en": "High (CNY)", "zh": "高值（元）"},
    "low_wan": {"en": "Low (CNY 10,000)", "zh": "低值（万元）"},
    "high_wan": {"en": "High (CNY 10,000)", "zh": "高值（万元）"},
    "unknown_amounts": {"en": "Likely eligible, amount unknown", "zh": "可能符合但金额未知"},
    "needs_info": {"en": "Need information", "zh": "需补充信息"},
    "overall": {"en": "Overall", "zh": "总计"},
    "adjustments_heading": {"en": "Combined-limit adjustments (included in the totals above)",
                            "zh": "合并上限调整（已计入上方合计）"},
    "adjustment": {"en": "Why", "zh": "说明"},
    "chart_heading": {"en": "Estimated support by program (what the totals count)",
                      "zh": "各项目预计支持（计入合计的部分）"},
    "chart_title": {"en": "Estimated support by program (CNY)", "zh": "各项目预计支持（元）"},
    "no_chart": {"en": "No program has a known amount that counts in the totals yet.",
                 "zh": "暂无金额已知且计入合计的项目。"},
    "program": {"en": "Program", "zh": "项目"},
    # programs
    "subject": {"en": "For", "zh": "主体"},
    "people_subject": {"en": "People ({n})", "zh": "员工（{n} 人）"},
    "person": {"en": "Person {n}", "zh": "员工 {n}"},
    "program_id": {"en": "Program ID", "zh": "项目编号"},
    "status": {"en": "Status", "zh": "状态"},
    "certainty": {"en": "Certainty", "zh": "确定性"},
    "confidence": {"en": "Confidence", "zh": "可信度"},
    "counts": {"en": "Counted in totals (1 = yes; people: how many)", "zh": "计入合计（1=是；人员项目为计入人数）"},
    "counts_person": {"en": "Counted in totals (1 = yes)", "zh": "计入合计（1=是）"},
    "amount": {"en": "Estimate as read", "zh": "测算金额"},
    "flags": {"en": "Notes and flags", "zh": "提示"},
    "window": {"en": "Application window", "zh": "申报窗口"},
    "opens": {"en": "Window opens", "zh": "开始日期"},
    "closes": {"en": "Window closes", "zh": "截止日期"},
    "excluded": {"en": "Excluded by stacking", "zh": "叠加规则排除"},
    "reasons": {"en": "Why / what is missing", "zh": "原因 / 需补充"},
    "sources": {"en": "Sources", "zh": "来源"},
    "official_text": {"en": "Official text", "zh": "官方原文"},
    "needs": {"en": "Needs: ", "zh": "需补充："},
    "taken_instead": {"en": " Taken instead: ", "zh": " 改为计入："},
    "people_status": {"en": "{count} × {status}", "zh": "{status} {count} 人"},
    "people_counted": {"en": "{k} of {n} people counted", "zh": "计入 {k}/{n} 人"},
    "people_excluded": {"en": "{k} people: {text}", "zh": "{k} 人：{text}"},
    "see_criteria": {"en": "Per person: see the People and Criteria sheets.", "zh": "逐人情况见“人员”和“条件”表。"},
    "more_flags": {"en": "… and {n} more (see the People sheet)", "zh": "……另有 {n} 条（见“人员”表）"},
    # people
    "person_no": {"en": "#", "zh": "序号"},
    "person_ref": {"en": "Person", "zh": "人员"},
    "department": {"en": "Department", "zh": "部门"},
    "per_program": {"en": "Totals per program", "zh": "按项目合计"},
    "per_person": {"en": "Totals per person", "zh": "按人员合计"},
    "people_counted_col": {"en": "People counted", "zh": "计入人数"},
    # criteria
    "criterion": {"en": "Criterion", "zh": "条件"},
    "requirement": {"en": "Requirement", "zh": "要求"},
    "value_given": {"en": "Value given", "zh": "所填值"},
    "result": {"en": "Result", "zh": "结果"},
    "note": {"en": "Note", "zh": "说明"},
    # gaps
    "input": {"en": "Input", "zh": "输入项"},
    "current": {"en": "Current value", "zh": "当前值"},
    "required": {"en": "Required value", "zh": "要求值"},
    "change": {"en": "Change needed", "zh": "需要的变化"},
    "unlocks_low": {"en": "Unlocks, low (CNY)", "zh": "可解锁低值（元）"},
    "unlocks_high": {"en": "Unlocks, high (CNY)", "zh": "可解锁高值（元）"},
    "unlocks": {"en": "What it unlocks", "zh": "可解锁"},
    "explanation": {"en": "Explanation", "zh": "说明"},
    "no_gaps": {"en": "No near misses: no failed numeric condition could be priced.",
                "zh": "没有可测算的差距：没有未满足的数值条件。"},
    # permissions
    "type": {"en": "Type", "zh": "类型"},
    "item": {"en": "Permission or obligation", "zh": "许可或义务"},
    "article": {"en": "Article", "zh": "条款"},
    "applies": {"en": "Applies", "zh": "是否适用"},
    "no_items": {"en": "No permissions or obligations for this assessment.", "zh": "本次测算没有许可或义务事项。"},
    # sources
    "key": {"en": "Key", "zh": "编号"},
    "title_col": {"en": "Title", "zh": "标题"},
    "address": {"en": "Address", "zh": "网址"},
    "other_addresses": {"en": "Other addresses", "zh": "其他网址"},
    "cited_by": {"en": "Cited by", "zh": "引用项目"},
    # inputs
    "subject_code": {"en": "Subject (code)", "zh": "主体（代码）"},
    "field": {"en": "Field (code)", "zh": "字段（代码）"},
    "label": {"en": "Question", "zh": "问题"},
    "value_as_given": {"en": "Value as given", "zh": "所填值"},
    "reads_as": {"en": "Reads as", "zh": "含义"},
    "none_given": {"en": "none", "zh": "无"},
    "people_inputs": {"en": "People (one row each; columns are the field codes)",
                      "zh": "人员（每人一行，列为字段代码）"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
    # cells
    "cut": {"en": " … [cut: the full text has {n:,} characters, more than the 32,767 a cell can hold]",
            "zh": "……【已截断：全文共 {n:,} 个字符，超过单元格上限 32,767】"},
    "file_prefix": {"en": "incentive-assessment", "zh": "激励测算"},
}


SOURCE_TYPES = {
    "official": {"en": "Official text", "zh": "官方原文"},
    "official_draft": {"en": "Official draft only", "zh": "仅有官方征求意见稿"},
    "secondary": {"en": "Secondary source", "zh": "二手来源"},
}


APPLIES = {
    "met": {"en": "Applies", "zh": "适用"},
    "unknown": {"en": "Depends on an unanswered question", "zh": "取决于未回答的问题"},
    "not_met": {"en": "Does not apply", "zh": "不适用"},
}


def word(key: str, lang: str, **params: object) -> str:
    text = WORDS[key][lang]
    return text.format(**params) if params else text


def sheet_name(key: str, lang: str) -> str:
    return SHEETS[key][lang]

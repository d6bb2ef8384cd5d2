"""Chinese for the page strings (UI only; policy texts are bilingual in the rule tables).

    python tools/zh_translations.py   # updates calculator/i18n/translations/zh_Hans_CN/LC_MESSAGES/messages.po from the .pot

Untranslated or fuzzy entries make the test suite fail.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

ZH = {
    "There is a problem": "存在问题",
    "Used by:": "用于：",
    "Skip if not applicable.": "如不适用可跳过。",
    "Error:": "错误：",
    "Yes": "是",
    "No": "否",
    "Not sure": "不确定",
    "Not sure / not answered": "不确定 / 未填写",
    "Unit for": "单位：",
    "yuan (元)": "元",
    "10,000 yuan (万元)": "万元",
    "Assessment date": "测算日期",
    "Rules in force on this date are applied. Leave blank for today.": "按该日期有效的规则测算。不填则为今天。",
    "Not counted:": "未计入：",
    "Why not (on the answers given):": "原因（按所填信息）：",
    "What would change it:": "如何才能满足：",
    "To find out:": "需要确认：",
    "Application:": "申报：",
    "Conditions, formula, documents and sources": "条件、公式、材料与来源",
    "Conditions": "条件",
    "Condition": "条件",
    "Required": "要求",
    "Your answer": "您的回答",
    "Result": "结果",
    "met": "满足",
    "not met": "不满足",
    "unknown": "未知",
    "Formula:": "计算公式：",
    "Documents usually required:": "通常需要的材料：",
    "Sources:": "来源：",
    "Official text": "官方原文",
    "How estimates work": "测算说明",
    "Each program is a rule table written from the published policy: its conditions, its formula, its dates and the source of every figure. Your answers are checked against the conditions in force on the assessment date.":
        "每个项目都是依据已公布政策编写的规则表：包括条件、计算公式、有效期以及每个数字的来源。系统按测算日期有效的条件核对您的回答。",
    "What the results mean": "结果的含义",
    "Likely eligible: every condition is met on your answers; the amount is computed, or shown as unknown when its figure is not confirmed.":
        "可能符合条件：按您的回答满足全部条件；金额按公式计算，数字未经确认时显示为未知。",
    "Needs information: an answer is missing; the result lists what to find out.": "需补充信息：缺少某项回答；结果会列出需要确认的内容。",
    "Not eligible on the answers given: the conditions not met are listed, with what would change them.":
        "按所填信息暂不符合：列出未满足的条件以及如何才能满足。",
    "Not in force: outside the program's dates, or closed to your group.": "不在有效期内：超出项目有效期，或已对您所属群体停止受理。",
    "Limits": "局限",
    "Competitive programs are reviewed or budget-limited: their amounts are ceilings, not promises.":
        "竞争性项目需经评审或受资金总量限制：金额为上限，并非承诺。",
    "Figures marked as not yet checked against the official text come from secondary sources.": "标注“尚未与官方原文核对”的数字来自二手来源。",
    "Figures no citable source confirms are never used to compute an amount.": "没有可引用来源确认的数字，绝不用于计算金额。",
    "Programs that cannot be combined are resolved to the best legal combination; totals count only what can be had together.":
        "不可叠加的项目按最优合规组合处理；合计只计入可以同时享受的部分。",
    "See every program with its conditions, figures, dates and sources.": "查看每个项目的条件、数字、日期和来源。",
    "Shenzhen AI incentive calculator": "深圳人工智能产业政策测算器",
    "Skip to main content": "跳到主要内容",
    "Main": "主导航",
    "Company check": "企业测算",
    "Talent check": "人才测算",
    "Program catalogue": "政策目录",
    "Privacy: nothing you enter in the forms is stored on the server; each result is computed from what you submit and is not kept. A batch upload is the one exception: its file and results are kept only until you download the workbook, at most 15 minutes.":
        "隐私：您在表单中填写的任何内容都不会保存在服务器上，每次结果都根据您提交的内容即时计算，不予保留。唯一的例外是批量上传：文件和结果仅保留到您下载工作簿为止，最长 15 分钟。",
    "An estimate, not a decision: eligibility and amounts are decided by the issuing authorities.": "本结果为测算，并非审批决定：是否符合条件及金额以主管部门认定为准。",
    "Unknown is a fine answer: leave a question blank and the result will tell you what to find out. Amounts accept 1,234,567 or 1234567, in yuan or in 10,000 yuan.":
        "不确定也可以：留空的问题会在结果中提示需要确认的内容。金额可填写 1,234,567 或 1234567，单位可选元或万元。",
    "See results": "查看结果",
    "Page not found": "页面不存在",
    "What you sent is too large": "提交的内容过大",
    "The request could not be handled": "无法处理该请求",
    "Back to the start": "返回首页",
    "Which Shenzhen AI incentives could you get?": "您可以享受哪些深圳人工智能产业政策？",
    "Answer what you know; leave the rest blank. You will see which programs are likely to apply, how much they are likely worth, why, and what would unlock more. Every figure cites its source.":
        "填写您知道的内容，其余留空即可。您将看到可能适用的项目、预计金额、理由，以及怎样才能获得更多支持。每个数字都注明来源。",
    "Check a company": "测算企业",
    "For start-ups and companies: compute and model vouchers, tax reliefs, awards, procurement and the rules of the AI Regulation.":
        "适用于初创企业和各类企业：算力券和模型券、税收优惠、奖励、政府采购以及《人工智能产业促进条例》的相关规定。",
    "Check talent benefits": "测算人才待遇",
    "For HR teams and individuals: the GBA tax subsidy, the Qianhai and Hetao exemptions, housing and visas, for one person or several.":
        "适用于人力资源部门和个人：大湾区个税补贴、前海和河套个税优惠、住房与签证，可测算一人或多人。",
    "Many companies or a staff roster": "多家企业或员工名单",
    "Advisors and HR can assess many profiles at once with the command line today: incentives evaluate PROFILE.json.":
        "顾问和人力资源部门目前可通过命令行批量测算：incentives evaluate PROFILE.json。",
    "Search": "搜索",
    "Family": "类别",
    "All": "全部",
    "Filter": "筛选",
    "in force from": "自",
    "to": "至",
    "rests on": "依据可信度",
    "Conditions, figures and sources": "条件、数字与来源",
    "Figure": "数字",
    "Value": "数值",
    "Confidence": "可信度",
    "Source": "来源",
    "Results": "测算结果",
    "Assessed on": "测算日期",
    "rule tables": "规则表版本",
    "Estimated support, after stacking rules": "预计支持金额（已按叠加规则处理）",
    "plus": "另有",
    "with amount unknown": "项金额未知",
    "need information": "项需补充信息",
    "Change my answers": "修改我的回答",
    "Download workbook (Excel)": "下载测算表（Excel）",
    "Person": "人员",
    "Permissions and obligations": "许可与义务",
    "Remove person": "删除人员",
    "Add another person": "再添加一人",
    # --- batch mode --------------------------------------------------------------------------------
    "Advisors and HR can upload a spreadsheet (Excel or CSV) and get one workbook with every row assessed.": "顾问和人力资源部门可上传电子表格（Excel 或 CSV），获得逐行测算的结果工作簿。",
    "These results are no longer here": "结果已不在服务器上",
    "Results are deleted after download or after 15 minutes. Please upload the file again.": "结果在下载后或 15 分钟后删除。请重新上传文件。",
    "Upload a file": "上传文件",
    "Batch assessment": "批量测算",
    "Working…": "正在测算……",
    "Rows done:": "已处理行数：",
    "Rejected so far:": "目前被拒绝：",
    "This page refreshes itself every two seconds.": "本页每两秒自动刷新。",
    "Refresh now": "立即刷新",
    "Upload another file": "上传其他文件",
    "Rows in:": "读入行数：",
    "assessed:": "已测算：",
    "rejected:": "被拒绝：",
    "Download the results (Excel)": "下载结果（Excel）",
    "The workbook is deleted from the server once downloaded.": "下载后，工作簿即从服务器删除。",
    "Rejected rows": "被拒绝的行",
    "Sheet": "工作表",
    "Row": "行号",
    "Column": "列",
    "Field": "字段",
    "Message": "说明",
    "Assess many companies or a staff roster": "批量测算多家公司或员工名册",
    "Upload a spreadsheet with one row per company or per person. Every row is either assessed or rejected with its errors; you get one Excel workbook with the results.": "上传电子表格，每行一家公司或一名人员。每一行要么完成测算，要么被拒绝并列出错误；结果汇总为一个 Excel 工作簿。",
    "1. Download a template": "1. 下载模板",
    "Template for companies (Excel)": "公司模板（Excel）",
    "Template for people (Excel)": "人员模板（Excel）",
    "The same columns are accepted as CSV, in UTF-8 or GBK.": "同样的列也可使用 CSV 文件（UTF-8 或 GBK 编码）。",
    "2. Upload the filled file": "2. 上传填好的文件",
    "File (.xlsx or .csv)": "文件（.xlsx 或 .csv）",
    "The rows are": "各行内容为",
    "Recognise from the header": "按表头自动识别",
    "Companies": "公司",
    "People": "人员",
    "Limits: %(size)s MB and %(rows)s rows per file.": "限制：每个文件最多 %(size)s MB、%(rows)s 行。",
    "Macro-enabled workbooks are refused.": "不接受含宏的工作簿。",
    "Upload and assess": "上传并测算",
    "The file and the results are kept only until you download the workbook, at most 15 minutes.": "文件和结果仅保留到您下载工作簿为止，最长 15 分钟。",
    "Messages %(first)s–%(to)s of %(total)s. Every one is also in the workbook's “Rejected rows” sheet.": "第 %(first)s–%(to)s 条，共 %(total)s 条。全部内容也在工作簿的“被拒绝的行”工作表中。",
    "Pages of rejected rows": "被拒绝的行的分页",
    "Page %(page)s of %(last)s": "第 %(page)s 页，共 %(last)s 页",
    "Programs found:": "找到的项目：",
    "Previous": "上一页",
    "Next": "下一页",
}


def main() -> None:
    root = Path(__file__).resolve().parents[1] / "calculator" / "i18n" / "translations"
    with (root / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    target = root / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
    target.parent.mkdir(parents=True, exist_ok=True)
    template.locale = "zh_Hans_CN"
    template.fuzzy = False
    for message in template:
        if message.id:
            message.string = ZH.get(message.id, "")
            message.flags.discard("fuzzy")
    with target.open("wb") as handle:
        write_po(handle, template, omit_header=False, width=120)
    missing = [m.id for m in template if m.id and not m.string]
    print(f"wrote {target}; untranslated: {len(missing)}")
    for item in missing:
        print("  missing:", item)


if __name__ == "__main__":
    main()

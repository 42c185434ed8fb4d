"""The starting cause taxonomy: three common causes per 6M category of a service business
(stores, branches, hotels). The migration installs them; quality managers edit, add and
deactivate causes afterwards. (code, category, 中文, English)"""

from __future__ import annotations

DEFAULT_CAUSES: list[tuple[str, str, str, str]] = [
    ("P-TRAINING", "people", "培训不足", "Not trained"),
    ("P-STAFFING", "people", "人手不足", "Understaffed"),
    ("P-ATTITUDE", "people", "服务意识不足", "Poor service attitude"),
    ("MC-BREAKDOWN", "machine", "设备故障", "Equipment breakdown"),
    ("MC-MAINTENANCE", "machine", "设备未按期保养", "Maintenance overdue"),
    ("MC-CAPACITY", "machine", "设备能力不足", "Equipment capacity too small"),
    ("MT-SUPPLIER", "material", "供应商来料问题", "Supplier quality"),
    ("MT-STOCK", "material", "缺货或过期", "Out of stock or expired"),
    ("MT-STORAGE", "material", "储存不当", "Stored wrongly"),
    ("ME-NO-SOP", "method", "无作业指导书", "No written procedure"),
    ("ME-SOP-UNCLEAR", "method", "作业指导书不清晰", "Procedure unclear"),
    ("ME-NOT-FOLLOWED", "method", "未按规定执行", "Procedure not followed"),
    ("EN-LAYOUT", "environment", "布局不合理", "Layout"),
    ("EN-PEAK", "environment", "高峰客流", "Peak demand"),
    ("EN-WEATHER", "environment", "天气或外部环境", "Weather or surroundings"),
    ("MS-NO-CHECK", "measurement", "缺少检查", "Not checked"),
    ("MS-INSTRUMENT", "measurement", "测量器具不准", "Instrument out of calibration"),
    ("MS-CRITERIA", "measurement", "判定标准不明确", "Acceptance criteria unclear"),
]

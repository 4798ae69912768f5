"""Chinese names of the audit actions, for the audit page (the action itself stays English)."""

from __future__ import annotations

ACTION_NAMES = {
    "value.create": "填报数据",
    "value.update": "修改数据",
    "value.delete": "清除数据",
    "judgment.create": "作出判定",
    "judgment.update": "修改判定",
    "judgment.delete": "清除判定",
    "override.create": "人工核定",
    "override.update": "修改人工核定",
    "override.delete": "取消人工核定",
    "operators.create": "填报规上经营者",
    "operators.update": "修改规上经营者",
    "operators.delete": "清除规上经营者",
    "campaign.create": "创建活动",
    "campaign.import": "整体导入数据",
    "department.create": "新增成员单位",
    "department.update": "修改成员单位",
    "department.delete": "删除成员单位",
    "assignment.create": "新增责任分工",
    "assignment.update": "修改责任分工",
    "assignment.delete": "删除责任分工",
    "evidence.upload": "上传佐证材料",
    "evidence.version": "上传新版本",
    "evidence.status": "变更材料状态",
    "evidence.link": "关联评分项",
    "evidence.unlink": "取消关联",
    "evidence.delete": "删除佐证材料",
    "evidence.restore": "恢复佐证材料",
    "collection.upload": "上传数据采集表",
    "package.download": "下载申报材料包",
    "user.invite": "邀请用户",
    "user.create": "新增用户",
    "user.update": "修改用户",
    "user.disable": "停用用户",
    "user.enable": "启用用户",
    "user.password_reset": "重置密码",
    "user.password_change": "修改密码",
    "membership.create": "加入创建活动",
    "role.change": "变更角色",
    "round.submit": "提交评审",
    "auth.login": "登录",
    "auth.logout": "退出登录",
    "auth.login_failed": "登录失败",
    "auth.locked": "登录被锁定",
    "access.denied": "拒绝访问",
}

# The filter of the audit page: a family of actions by prefix.
CATEGORIES = (
    ("value.", "数据"),
    ("judgment.", "判定"),
    ("override.", "人工核定"),
    ("operators.", "规上经营者"),
    ("evidence.", "佐证材料"),
    ("campaign.", "创建活动与导入"),
    ("department.", "成员单位"),
    ("assignment.", "责任分工"),
    ("collection.", "数据采集表"),
    ("package.", "申报材料包"),
    ("user.", "用户"),
    ("role.", "角色"),
    ("membership.", "成员"),
    ("round.", "评审"),
    ("auth.", "登录与退出"),
    ("access.", "拒绝访问"),
)


def action_name(action: str) -> str:
    return ACTION_NAMES.get(action, action)

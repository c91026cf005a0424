"""Labels of the reader-facing UI in Chinese and English, and dates written the local way.

Chinese comes in two scripts: ``zh`` (Simplified, the default) and ``zh-Hant`` (Traditional, for
readers in Taiwan, Hong Kong and Macao). The Traditional tables are written by hand, not converted;
article text is never converted either. Everything that is not a label (dates, reading time,
related stories, punctuation) follows the language, ``family(lang)``, not the script.
"""

from __future__ import annotations

import datetime as dt

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "home": "Home",
        "published": "Published",
        "updated": "Updated",
        "source": "Source",
        "author": "By",
        "authors": "Authors",
        "archive": "Archive",
        "story_count": "{n} stories",
        "story_count_one": "1 story",
        "stories_by": "Stories by {name}",
        "author_links": "Links",
        "scheduled": "Scheduled: goes live {date}",
        "expired": "Expired: taken down {date}",
        "moved_title": "Moved: {title}",
        "moved_text": "This story has moved to a new address: ",
        "reading_time": "{n} min read",
        "reading_label": "Reading time",
        "lead_story": "Lead story",
        "latest": "Latest",
        "more_in": "More in {section}",
        "page_of": "Page {n} of {total}",
        "newer": "Newer stories",
        "older": "Older stories",
        "pagination": "Pages",
        "breadcrumb": "Breadcrumb",
        "sections": "Sections",
        "tags": "Tags",
        "no_stories": "No stories yet.",
        "disclaimer": "Disclaimer",
        "copyright": "© {years} {owner}. All rights reserved.",
        "not_found_title": "Page not found",
        "not_found_text": "The page you asked for is not here. It may have moved.",
        "back_home": "Back to the front page",
        "draft": "Draft: not published",
        "skip": "Skip to content",
        "table": "Table (scrolls sideways)",
        # tag pages (hooks/masthead/tags.py)
        "tag_kicker": "Tag",
        "all_tags": "All tags",
        "most_used": "Most used",
        "tag_count": "{n} tags",
        "tags_by_letter": "Tags by letter",
        "no_tags": "No tags yet.",
        "related": "Related stories",
        "follow_feed": "Follow this page:",
    },
    "zh": {
        "home": "首页",
        "published": "发布",
        "updated": "更新",
        "source": "来源",
        "author": "作者",
        "authors": "作者",
        "archive": "归档",
        "story_count": "{n} 篇",
        "story_count_one": "1 篇",
        "stories_by": "{name}的文章",
        "author_links": "链接",
        "scheduled": "定时发布：{date} 上线",
        "expired": "已过期：{date} 下线",
        "moved_title": "已迁移：{title}",
        "moved_text": "本文已迁移至新地址：",
        "reading_time": "阅读约 {n} 分钟",
        "reading_label": "阅读时间",
        "lead_story": "头条",
        "latest": "最新",
        "more_in": "更多{section}",
        "page_of": "第 {n} 页，共 {total} 页",
        "newer": "较新的文章",
        "older": "较早的文章",
        "pagination": "分页",
        "breadcrumb": "当前位置",
        "sections": "栏目",
        "tags": "标签",
        "no_stories": "暂无文章。",
        "disclaimer": "免责声明",
        "copyright": "© {years} {owner} 版权所有",
        "not_found_title": "页面不存在",
        "not_found_text": "您访问的页面不存在，可能已被移动。",
        "back_home": "返回首页",
        "draft": "草稿：尚未发布",
        "skip": "跳到正文",
        "table": "表格（可左右滚动）",
        # tag pages (hooks/masthead/tags.py)
        "tag_kicker": "标签",
        "all_tags": "全部标签",
        "most_used": "热门标签",
        "tag_count": "共 {n} 个标签",
        "tags_by_letter": "按拼音或字母查找",
        "no_tags": "暂无标签。",
        "related": "相关报道",
        "follow_feed": "订阅",
    },
    "zh-Hant": {
        "home": "首頁",
        "published": "發布",
        "updated": "更新",
        "source": "來源",
        "author": "作者",
        "authors": "作者",
        "archive": "歸檔",
        "story_count": "{n} 篇",
        "story_count_one": "1 篇",
        "stories_by": "{name}的文章",
        "author_links": "連結",
        "scheduled": "定時發布：{date} 上線",
        "expired": "已過期：{date} 下線",
        "moved_title": "已遷移：{title}",
        "moved_text": "本文已遷移至新地址：",
        "reading_time": "閱讀約 {n} 分鐘",
        "reading_label": "閱讀時間",
        "lead_story": "頭條",
        "latest": "最新",
        "more_in": "更多{section}",
        "page_of": "第 {n} 頁，共 {total} 頁",
        "newer": "較新的文章",
        "older": "較早的文章",
        "pagination": "分頁",
        "breadcrumb": "目前位置",
        "sections": "欄目",
        "tags": "標籤",
        "no_stories": "目前沒有文章。",
        "disclaimer": "免責聲明",
        "copyright": "© {years} {owner} 版權所有",
        "not_found_title": "找不到頁面",
        "not_found_text": "您要找的頁面不存在，可能已經移動。",
        "back_home": "返回首頁",
        "draft": "草稿：尚未發布",
        "skip": "跳到正文",
        "table": "表格（可左右捲動）",
        # tag pages (hooks/masthead/tags.py)
        "tag_kicker": "標籤",
        "all_tags": "全部標籤",
        "most_used": "熱門標籤",
        "tag_count": "共 {n} 個標籤",
        "tags_by_letter": "依拼音或字母查找",
        "no_tags": "目前沒有標籤。",
        "related": "相關報導",
        "follow_feed": "訂閱",
    },
}

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def labels(lang: str) -> dict[str, str]:
    return LABELS.get(lang, LABELS["en"])


def family(lang: str) -> str:
    """The language without its script: ``zh-Hant`` → ``zh``. Dates, punctuation, reading time
    and related stories follow this; labels and ``<html lang>`` follow ``lang`` itself."""
    return lang.split("-", 1)[0]


def format_date(value: dt.datetime, lang: str, *, with_time: bool = True) -> str:
    """``2025年3月14日 09:30`` in Chinese, ``14 March 2025, 09:30`` in English."""
    if family(lang) == "zh":
        day = f"{value.year}年{value.month}月{value.day}日"
        return f"{day} {value:%H:%M}" if with_time else day
    day = f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
    return f"{day}, {value:%H:%M}" if with_time else day


def format_month(year: int, month: int, lang: str, *, with_year: bool = True) -> str:
    """``2025年3月`` / ``March 2025`` (``3月`` / ``March`` without the year)."""
    if family(lang) == "zh":
        return f"{year}年{month}月" if with_year else f"{month}月"
    return f"{_MONTHS[month - 1]} {year}" if with_year else _MONTHS[month - 1]


def format_year(year: int, lang: str) -> str:
    return f"{year}年" if family(lang) == "zh" else str(year)

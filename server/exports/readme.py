"""The README.txt of an evidence package: what it is and how to check it, Chinese and English."""

from __future__ import annotations

_TEXT = """\
证据包 Evidence package — 申报 filing {filing_id}

本证据包含该申报的现场照片原件、照片保管记录、核查比对结果、审核决定及审计日志片段。
This package holds the filing's photo originals, their chain of custody, the reconciliation
result, the review decisions and the slice of the audit log about the filing.

如何离线核验 How to check it offline (Python 3.9 or newer, nothing to install):

    python verify_package.py evidence-package-filing-{filing_id}.zip

    python verify_package.py evidence-package-filing-{filing_id}.zip --manifest-sha256 <哈希>

核验内容 What it checks:
  - 每个文件的 sha256 与 manifest.json 一致：文件被修改（ALTERED）、缺失（MISSING）或多出（ADDED）；
    every file against manifest.json: altered, missing or added;
  - manifest.json 的 sha256 与 manifest.sha256 及导出时审计日志记录的值一致（MANIFEST ALTERED）；
    the manifest against manifest.sha256 and against the hash the audit log recorded at export;
  - audit_log.json 中每条事件的哈希与哈希链相符（LOG EVENT ALTERED）。
    every audit event's hash, and the links between consecutive events.
退出码 0 表示完好，1 表示有改动。 Exit status 0: intact; 1: something changed.

manifest.sha256 也可用 sha256sum -c manifest.sha256 核对。导出时的 manifest 哈希记录在服务器
审计日志的 export.evidence_package 事件中；证据包若被整体重做，只有与该记录比对才能发现。
本包内的 verify_package.py 也列在 manifest 中；如怀疑证据包被改动，请使用项目仓库中的
server/exports/verify_package.py。
The manifest's hash is also in the server's audit log (the export.evidence_package event); a
package rebuilt as a whole is only caught by comparing with that record. When the package may
have been tampered with, use the verifier kept in the project (server/exports/verify_package.py)
rather than the copy inside.
"""


def readme_text(filing_id: int) -> str:
    return _TEXT.format(filing_id=filing_id)

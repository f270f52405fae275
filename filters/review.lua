-- review.lua — review dates (rules review-overdue, review-due-soon,
-- review-interval).  Every document carries the date its next review is
-- due (front matter `review:`, "YYYY-MM" meaning the month's last day);
-- these rules say when that date has passed, when it is close, and when
-- the gap after approval is longer than the project allows.  Documents
-- that are draft, withdrawn or superseded are not reviewed.  Whether a
-- review is overdue or due soon is doc.review_state, computed once by
-- policyc (the same state the site shows); only review-interval compares
-- dates here.
--
-- Settings (policyc.yaml):
--   rules:
--     review-due-soon: { days: 60 }         # warn this many days ahead
--     review-interval: { max-months: 36 }   # longest approval-to-review gap

-- policyc: document-local
-- (its document() reads only the document it is given and keeps nothing
-- between documents: the build cache may replay its findings, see
-- docs/decisions.md "Incremental builds")
local F = { rules = { "review-overdue", "review-due-soon", "review-interval" } }

local function plural(n, word)
  return n .. " " .. word .. (n == 1 and "" or "s")
end

function F.document(doc, ctx)
  -- the state is computed once, before filters run (draft, withdrawn and
  -- superseded documents are "skipped"), and the site's review badge shows
  -- the same one: the overdue and due-soon rules follow it, never their
  -- own reading of the dates
  local state = doc.review_state
  if state == "skipped" then return end
  -- doc.meta.review is already normalised; a missing or malformed date is
  -- the core's meta-required / meta-invalid, not ours
  local due = type(doc.meta.review) == "string" and ctx.date.parse(doc.meta.review)
  if not due then return end
  local date = ctx.date
  local where = { line = doc.meta_lines.review, column = doc.meta_columns.review }

  local days = doc.review_days
  local soon = tonumber(ctx.config.days) or 60
  if state == "overdue" then
    ctx.report("review-overdue", ("review date %s has passed (%s overdue)")
      :format(due, plural(days, "day")), where)
  elseif state == "due-soon" and days == 0 then
    ctx.report("review-due-soon", ("review date %s is today"):format(due), where)
  elseif state == "due-soon" then
    ctx.report("review-due-soon", ("review date %s is in %s (within %d)")
      :format(due, plural(days, "day"), soon), where)
  end

  local approved = type(doc.meta.approved) == "string" and date.parse(doc.meta.approved)
  if approved then
    local max = tonumber(ctx.config["max-months"]) or 36
    if due < approved then
      ctx.report("review-interval", ("review date %s is before the approval date %s")
        :format(due, approved), where)
    elseif due > date.add_months(approved, max) then
      ctx.report("review-interval",
        ("review date %s is more than %d months after approval on %s")
        :format(due, max, approved), where)
    end
  end
end

return F

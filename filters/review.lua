-- review.lua — review dates (rules review-overdue, review-due-soon,
-- review-interval).  Every document carries the date its next review is
-- due (front matter `review:`, "YYYY-MM" meaning the month's last day);
-- these rules say when that date has passed, when it is close, and when
-- the gap after approval is longer than the project allows.  Documents
-- that are draft, withdrawn or superseded are not reviewed.
--
-- Settings (policyc.yaml):
--   rules:
--     review-due-soon: { days: 60 }         # warn this many days ahead
--     review-interval: { max-months: 36 }   # longest approval-to-review gap

local F = { rules = { "review-overdue", "review-due-soon", "review-interval" } }

local SKIP = { draft = true, withdrawn = true, superseded = true }

local function plural(n, word)
  return n .. " " .. word .. (n == 1 and "" or "s")
end

function F.document(doc, ctx)
  if SKIP[doc.status] then return end
  local date = ctx.date
  -- doc.meta.review is already normalised; a missing or malformed date is
  -- the core's meta-required / meta-invalid, not ours
  local due = type(doc.meta.review) == "string" and date.parse(doc.meta.review)
  if not due then return end
  local where = { line = doc.meta_lines.review, column = doc.meta_columns.review }

  local left = date.days_between(ctx.today, due)
  local soon = tonumber(ctx.config.days) or 60
  if left < 0 then
    ctx.report("review-overdue", ("review date %s has passed (%s overdue)")
      :format(due, plural(-left, "day")), where)
  elseif left == 0 then
    ctx.report("review-due-soon", ("review date %s is today"):format(due), where)
  elseif left <= soon then
    ctx.report("review-due-soon", ("review date %s is in %s (within %d)")
      :format(due, plural(left, "day"), soon), where)
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

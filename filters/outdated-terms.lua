-- outdated-terms.lua — names of bodies, roles and guidance that have been
-- replaced (rule outdated-term).  Policies outlive reorganisations: a 2012
-- policy still sends staff to the "Local Safeguarding Children Board" and
-- the "PCT".  The shipped table covers England safeguarding; each entry
-- gives the old wording(s), what replaced it, when, and on what authority.
-- Editions of statutory guidance (Working Together 2015/2018, KCSIE,
-- EYFS) are not here: the sources registry (data/sources.yaml) knows
-- every edition and its successor, and citation-superseded reports them.
--
-- Matching is by whole word: names in any case, abbreviations (all
-- capitals) exactly as written; a plural "s" is allowed.  Text in code
-- and in link addresses is not looked at; headings and link text are.
--
-- Settings (policyc.yaml):
--   rules:
--     outdated-term:
--       defaults: true          # false drops the shipped table
--       terms:                  # added; an entry with an old wording the
--         - old: [Children's Trust Board]    # table has replaces that entry
--           new: the local safeguarding partnership
--           since: 2017-04-27
--           source: Children and Social Work Act 2017
--         - old: ISA
--           ignore: true        # stop reporting this wording

-- policyc: document-local
-- (its document() reads only the document it is given and keeps nothing
-- between documents: the build cache may replay its findings, see
-- docs/decisions.md "Incremental builds")
local F = { rules = { "outdated-term" } }

F.table = {
  { old = { "Clinical Commissioning Group", "CCG" },
    new = "Integrated Care Board (ICB)", since = "2022-07-01",
    source = "Health and Care Act 2022" },
  { old = { "Primary Care Trust", "PCT" },
    new = "Integrated Care Board (ICB)", since = "2013-04-01",
    source = "Health and Social Care Act 2012; CCGs then became ICBs" },
  { old = { "Local Safeguarding Children Board", "Local Safeguarding Children's Board",
            "Local Safeguarding Childrens Board", "LSCB" },
    new = "local safeguarding partnership", since = "2019-09-29",
    source = "Children and Social Work Act 2017" },
  { old = { "Serious Case Review", "SCR" },
    new = "child safeguarding practice review", since = "2019-09-29",
    source = "Children and Social Work Act 2017" },
  { old = { "Community Rehabilitation Company" },
    new = "the Probation Service", since = "2021-06-26",
    source = "probation unification" },
  { old = { "National Offender Management Service", "NOMS" },
    new = "HM Prison and Probation Service (HMPPS)", since = "2017-04-01",
    source = "Ministry of Justice" },
  { old = { "Criminal Records Bureau", "CRB" },
    new = "Disclosure and Barring Service (DBS)", since = "2012-12-01",
    source = "Protection of Freedoms Act 2012" },
  { old = { "Independent Safeguarding Authority", "ISA" },
    new = "Disclosure and Barring Service (DBS)", since = "2012-12-01",
    source = "Protection of Freedoms Act 2012" },
  { old = { "Public Health England", "PHE" },
    new = "UK Health Security Agency (UKHSA) or OHID",
    since = "2021-10-01", source = "Department of Health and Social Care" },
}

local MONTHS = { "January", "February", "March", "April", "May", "June", "July",
  "August", "September", "October", "November", "December" }

-- A setting's words as text: a list's items joined by sep, a mapping's
-- values in the order of their keys, anything else as it prints (a list
-- must not print as "table: 0x...", which differs from run to run).
local function words(v, sep)
  if type(v) ~= "table" then return tostring(v) end
  local parts = {}
  for _, x in ipairs(v) do parts[#parts + 1] = words(x, sep) end
  if #parts == 0 then
    local keyed = {}
    for k, x in pairs(v) do keyed[#keyed + 1] = { tostring(k), x } end
    table.sort(keyed, function(a, b) return a[1] < b[1] end)
    for _, kx in ipairs(keyed) do parts[#parts + 1] = words(kx[2], sep) end
  end
  return table.concat(parts, sep)
end

-- A date as people write it ("1 July 2022"); anything that is not a date
-- of a real month, as it was written.
local function human(date)
  local text = words(date, ", ")
  local y, m, d = text:match("^(%d+)-(%d+)-(%d+)$")
  if not y or not MONTHS[tonumber(m)] then return text end
  return ("%d %s %s"):format(tonumber(d), MONTHS[tonumber(m)], y)
end

local function list(v)
  if type(v) == "table" then return v end
  if v == nil then return {} end
  return { v }
end

-- One pattern per wording: { text, exact, entry }, longest first so
-- "Working Together to Safeguard Children 2018" wins over a shorter one.
local function build(ctx)
  local entries = {}
  if ctx.config.defaults ~= false then
    for _, e in ipairs(F.table) do entries[#entries + 1] = e end
  end
  local by_wording = {}
  for i, e in ipairs(entries) do
    for _, w in ipairs(e.old) do by_wording[w:lower()] = i end
  end
  for _, e in ipairs(list(ctx.config.terms)) do
    if type(e) == "table" then
      local olds = {}
      for _, w in ipairs(list(e.old)) do olds[#olds + 1] = tostring(w) end
      local item = { old = olds, new = e.new and words(e.new, '" or "'),
                     since = e.since, source = e.source and words(e.source, "; "),
                     ignore = e.ignore }
      local replaced = false
      for _, w in ipairs(olds) do
        local at = by_wording[w:lower()]
        if at and not replaced then entries[at] = item; replaced = true end
      end
      if not replaced then entries[#entries + 1] = item end
      for _, w in ipairs(olds) do by_wording[w:lower()] = nil end
    end
  end
  local pats = {}
  for _, e in ipairs(entries) do
    if not e.ignore and e.new then
      for _, w in ipairs(e.old) do
        local exact = not w:find("%l")   -- an abbreviation: as written
        pats[#pats + 1] = { text = exact and w or w:lower(), exact = exact, entry = e }
      end
    end
  end
  table.sort(pats, function(a, b)
    if #a.text ~= #b.text then return #a.text > #b.text end
    return a.text < b.text
  end)
  return pats
end

local function word_char(c)
  return c ~= "" and (c:find("^[%w_]") ~= nil or c:byte() >= 128)
end

local function scan(text, pats)
  local lower = text:lower()
  local found, taken = {}, {}
  for _, p in ipairs(pats) do
    local hay = p.exact and text or lower
    local init = 1
    while true do
      local s, e = hay:find(p.text, init, true)
      if not s then break end
      init = s + 1
      -- allow a plural "s" (and "'s" is a word end anyway)
      local after = text:sub(e + 1, e + 1)
      if after == "s" and not word_char(text:sub(e + 2, e + 2)) then
        e = e + 1; after = text:sub(e + 1, e + 1)
      end
      if not word_char(text:sub(s - 1, s - 1)) and not word_char(after) then
        local clash = false
        for k = s, e do if taken[k] then clash = true break end end
        if not clash then
          for k = s, e do taken[k] = true end
          found[#found + 1] = { s = s, e = e, pat = p }
        end
      end
    end
  end
  table.sort(found, function(a, b) return a.s < b.s end)
  return found
end

-- a superseded or withdrawn document is kept as the record of what was
-- said then; its wording is not going to be changed
local SKIP = { withdrawn = true, superseded = true }

function F.document(doc, ctx)
  if SKIP[doc.status] then return end
  F.pats = F.pats or build(ctx)
  -- the document's text nodes joined by "\n" (never part of a word), so
  -- each wording is one string.find call per document; where each node
  -- starts in it, and its line and column, for the few reported
  local text, starts, lines, columns = doc:texts()
  local found = scan(text, F.pats)
  local k = 1
  for _, m in ipairs(found) do          -- found is in text order
    while starts[k + 1] and starts[k + 1] <= m.s do k = k + 1 end
    local off = m.s - starts[k]
    local e = m.pat.entry
    local last = (starts[k + 1] or #text + 2) - 2   -- the node's end
    local msg = ('"%s" is outdated: now "%s"'):format(text:sub(m.s, math.min(m.e, last)), e.new)
    if e.since then msg = msg .. " since " .. human(e.since) end
    if e.source then msg = msg .. " (" .. tostring(e.source) .. ")" end
    ctx.report("outdated-term", msg,
      { line = lines[k], column = columns[k] > 0 and columns[k] + off or 0 })
  end
end

return F

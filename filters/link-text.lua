-- link-text.lua — link text that says nothing out of context (rule
-- link-text, WCAG 2.4.4 Link Purpose).  Screen reader users often move
-- from link to link; "click here" read alone tells them nothing.
--
-- Settings (policyc.yaml):
--   rules:
--     link-text: { phrases: [here, click here, ...] }   # replaces the list
--     link-text: { also: [see below] }                  # adds to it

-- policyc: document-local
-- (its document() reads only the document it is given and keeps nothing
-- between documents but memos of the settings and of norm(): the build
-- cache may replay its findings, see docs/decisions.md "Incremental
-- builds")
local F = { rules = { "link-text" } }

local DEFAULT = {
  "here", "click here", "click", "this link", "link", "more", "read more",
  "click here for more", "click here for more information", "more info",
  "more information", "find out more", "learn more", "this", "this page",
  "go", "see here", "link here", "this website", "website",
}

-- One-word phrases that stay vague when capitalised at the start of a
-- sentence ("Here", "More").  Any other capitalised single word is taken
-- for a proper name ("[Go]" the language, "[GitHub]") and not flagged.
local VAGUE_CAPITALISED = {
  here = true, click = true, link = true, more = true, this = true,
  website = true,
}

local function proper_name(text)
  local w = text:match("^%s*(%u[%w%.%-]*)%s*$")
  if not w then return false end
  local rest = w:sub(2)
  -- "GitHub" (mixed case inside) is a name even if its letters spell a
  -- vague word; "HERE" is not
  return not VAGUE_CAPITALISED[w:lower()] or
    (rest:find("%u") ~= nil and rest:find("%l") ~= nil)
end

local function norm(s)
  s = s:lower():gsub("[%s%p]+", " "):gsub("^ ", ""):gsub(" $", "")
  return s
end

-- The vague phrases, normalised once a run (the settings do not change
-- between documents).
local function vague_phrases(ctx)
  local vague = {}
  local list = type(ctx.config.phrases) == "table" and ctx.config.phrases or DEFAULT
  for _, p in ipairs(list) do vague[norm(tostring(p))] = true end
  if type(ctx.config.also) == "table" then
    for _, p in ipairs(ctx.config.also) do vague[norm(tostring(p))] = true end
  end
  return vague
end

-- norm() of link texts already seen.  A project's link texts repeat (the
-- same documents, terms and sites are linked from page after page), and
-- four gsubs a link were nine tenths of this filter's time.  A memo of a
-- pure function: what document() reports still depends on its document
-- alone.
local normed, nnormed = {}, 0

local function norm_memo(text)
  local n = normed[text]
  if n == nil then
    n = norm(text)
    if nnormed >= 8192 then normed, nnormed = {}, 0 end
    normed[text], nnormed = n, nnormed + 1
  end
  return n
end

function F.document(doc, ctx)
  F.vague = F.vague or vague_phrases(ctx)
  local vague = F.vague
  for _, l in ipairs(doc.links) do
    if vague[norm_memo(l.text)] and not proper_name(l.text) then
      ctx.report("link-text",
        ('link text "%s" does not say where the link goes; describe the target instead')
        :format(l.text), { line = l.line, column = l.column })
    end
  end
end

return F

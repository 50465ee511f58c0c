-- Argo CD health of a ForecastRun, read from its phase.
-- Queued and Running are on their way (Progressing), Succeeded is Healthy,
-- Failed and Rejected ended without results (Degraded), and a run someone
-- cancelled is Suspended: stopped on purpose, not broken.
local hs = {status = "Progressing", message = "waiting for the controller"}
if obj.status == nil or obj.status.phase == nil then
  return hs
end
local phase = obj.status.phase
local message = obj.status.message or phase
if phase == "Succeeded" then
  hs.status = "Healthy"
elseif phase == "Failed" or phase == "Rejected" then
  hs.status = "Degraded"
elseif phase == "Cancelled" then
  hs.status = "Suspended"
else
  hs.status = "Progressing"
  if phase == "Running" and obj.status.progress ~= nil and obj.status.progress.percentText ~= nil then
    message = "Running " .. obj.status.progress.percentText
    if obj.status.eta ~= nil and obj.status.eta ~= "" then
      message = message .. ", ETA " .. obj.status.eta
    end
  end
end
hs.message = message
return hs

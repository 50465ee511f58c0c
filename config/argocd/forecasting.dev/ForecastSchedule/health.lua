-- Argo CD health of a ForecastSchedule, read from its kstatus conditions.
-- A schedule is Healthy while it creates runs, Suspended when
-- spec.suspend is set, and Degraded when its schedule or time zone cannot
-- be read. Until the controller has looked at the current generation it is
-- Progressing.
local hs = {status = "Progressing", message = "waiting for the controller"}
if obj.status == nil or obj.status.conditions == nil then
  return hs
end
if (obj.status.observedGeneration or 0) < (obj.metadata.generation or 0) then
  return hs
end
for _, c in ipairs(obj.status.conditions) do
  if c.type == "Stalled" and c.status == "True" then
    return {status = "Degraded", message = c.message}
  end
  if c.type == "Ready" and c.status == "True" then
    if obj.spec.suspend then
      return {status = "Suspended", message = c.message}
    end
    return {status = "Healthy", message = c.message}
  end
end
return hs

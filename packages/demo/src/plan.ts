/**
 * The shape of one request before timing: which agents the orchestrator delegates to and the
 * steps each agent takes. Pure; sampled from a seeded Rng.
 */
import type { AgentName, DataSource, DemoRequestType, ToolName } from './catalog.ts';
import { DATA_SOURCES } from './catalog.ts';
import type { Rng } from './rng.ts';

export type Step =
  | { t: 'llm' }
  | { t: 'tool'; tool: ToolName }
  | { t: 'retrieval'; source: DataSource }
  /** Tools the agent runs concurrently (one LLM turn asked for several tool calls). */
  | { t: 'parallel'; tools: ToolName[] };

export interface AgentPlan {
  agent: AgentName;
  steps: Step[];
}

/** Where a failure is injected: agent index, step index, slot inside a parallel step. */
export interface FailurePoint {
  agent: number;
  step: number;
  slot: number;
}

function repeat<T>(n: number, make: () => T): T[] {
  return Array.from({ length: n }, make);
}

/** Researcher: one or two rounds of "decide (LLM) → tools in parallel", then a synthesis call. */
function researchRounds(rng: Rng, tools: readonly ToolName[], minTools: number, maxTools: number): Step[] {
  const steps: Step[] = [];
  const rounds = rng.chance(0.35) ? 2 : 1;
  for (let r = 0; r < rounds; r++) {
    steps.push({ t: 'llm' });
    const n = rng.int(minTools, maxTools);
    const picked = repeat(n, () => rng.pick(tools));
    steps.push(n === 1 ? { t: 'tool', tool: picked[0]! } : { t: 'parallel', tools: picked });
  }
  if (rng.chance(0.25)) steps.push({ t: 'tool', tool: 'calculator' });
  steps.push({ t: 'llm' });
  return steps;
}

function llmSteps(rng: Rng, min: number, max: number): Step[] {
  return repeat(rng.int(min, max), () => ({ t: 'llm' }) as Step);
}

export function planAgents(rng: Rng, requestType: DemoRequestType): AgentPlan[] {
  switch (requestType) {
    case 'chat':
      return [{ agent: 'writer', steps: [{ t: 'retrieval', source: DATA_SOURCES.memory }, ...llmSteps(rng, 1, rng.chance(0.25) ? 2 : 1)] }];
    case 'summarize': {
      const fetch: Step[] = rng.chance(0.5) ? [{ t: 'tool', tool: 'fetch_url' }] : [];
      return [{ agent: 'writer', steps: [...fetch, { t: 'retrieval', source: DATA_SOURCES.docs }, ...llmSteps(rng, 1, 2)] }];
    }
    case 'support_ticket':
      return [
        {
          agent: 'researcher',
          steps: [{ t: 'retrieval', source: DATA_SOURCES.support }, { t: 'llm' }, { t: 'tool', tool: 'run_sql' }, { t: 'llm' }],
        },
        { agent: 'writer', steps: llmSteps(rng, 1, 1) },
      ];
    case 'code_review':
      return [
        { agent: 'planner', steps: [{ t: 'llm' }] },
        {
          agent: 'researcher',
          steps: [{ t: 'retrieval', source: DATA_SOURCES.code }, ...researchRounds(rng, ['code_exec', 'code_exec', 'run_sql'], 1, 3)],
        },
        { agent: 'reviewer', steps: llmSteps(rng, 1, 2) },
      ];
    case 'research_report':
      return [
        { agent: 'planner', steps: llmSteps(rng, 1, 2) },
        { agent: 'researcher', steps: researchRounds(rng, ['web_search', 'web_search', 'fetch_url', 'fetch_url', 'run_sql'], 2, 5) },
        { agent: 'writer', steps: [{ t: 'retrieval', source: DATA_SOURCES.docs }, ...llmSteps(rng, 1, 3)] },
        { agent: 'reviewer', steps: llmSteps(rng, 1, 1) },
      ];
  }
}

/** Every tool / retrieval occurrence a failure can be injected at. */
export function failureCandidates(agents: readonly AgentPlan[]): FailurePoint[] {
  const out: FailurePoint[] = [];
  agents.forEach((a, agent) =>
    a.steps.forEach((s, step) => {
      if (s.t === 'tool' || s.t === 'retrieval') out.push({ agent, step, slot: 0 });
      else if (s.t === 'parallel') s.tools.forEach((_, slot) => out.push({ agent, step, slot }));
    }),
  );
  return out;
}

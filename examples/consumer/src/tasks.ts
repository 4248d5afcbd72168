import type { Entity, UnitOfWork } from 'prisma-uow';
import type { Models } from './generated/uow/index.js';

/** A unit of work of this application. */
export type TaskUnit = UnitOfWork<Models>;
export type Team = Entity<Models, 'Team'>;
export type User = Entity<Models, 'User'>;
export type Task = Entity<Models, 'Task'>;

/** A new team, its owner and its first tasks (each with optional subtasks). */
export interface NewTeam {
  readonly name: string;
  readonly owner: { readonly email: string; readonly name: string };
  readonly tasks: readonly { readonly title: string; readonly budget: string; readonly subtasks?: readonly string[] }[];
}

/** Team settings as the application stores them in the `Json` column. */
export interface TeamSettings {
  labels: string[];
}

/** Reads the settings of a team (a `Json` value), tolerating a missing `labels` list. */
export function settingsOf(team: Team): TeamSettings {
  const value = team.settings;
  const labels = value !== null && typeof value === 'object' && !Array.isArray(value) ? value['labels'] : undefined;
  return { labels: Array.isArray(labels) ? labels.filter((l): l is string => typeof l === 'string') : [] };
}

/**
 * Creates a team, its owner (a new user), the owner's membership and the tasks with their
 * subtasks, all in the unit: nothing is written until the unit commits. Ids (a `uuid()` for the
 * team, autoincrement for users and tasks) appear on the objects after the commit.
 */
export function createTeam(uow: TaskUnit, input: NewTeam): { team: Team; owner: User; tasks: Task[] } {
  const team = uow.team.add({ name: input.name, settings: { labels: ['new'] } });
  const owner = uow.user.add({ email: input.owner.email, name: input.owner.name });
  uow.membership.add({ team, user: owner, role: 'OWNER' });
  const tasks = input.tasks.map((t) => {
    const task = uow.task.add({ team, title: t.title, budget: t.budget, assignee: owner });
    for (const title of t.subtasks ?? []) uow.task.add({ team, title, budget: 0, parent: task });
    return task;
  });
  return { team, owner, tasks };
}

/** Adds a new user to an existing team as a member. */
export async function addMember(uow: TaskUnit, teamId: string, user: { readonly email: string; readonly name: string }): Promise<User> {
  const team = await uow.team.get(teamId);
  const member = uow.user.add(user);
  uow.membership.add({ team, user: member });
  return member;
}

/**
 * Gives a task to the user with `email`, raises its budget and labels the team "reassigned":
 * plain changes to loaded objects, written together when the unit commits.
 */
export async function reassign(uow: TaskUnit, taskId: number, email: string, extraBudget: string): Promise<Task> {
  const task = await uow.task.get(taskId);
  const user = await uow.user.findFirst({ where: { email } });
  if (!user) throw new Error(`No user has the e-mail ${email}.`);
  task.assignee = user;
  task.budget = task.budget.plus(extraBudget);
  const team = await uow.team.get(task.teamId);
  const settings = settingsOf(team);
  if (!settings.labels.includes('reassigned')) team.settings = { labels: [...settings.labels, 'reassigned'] };
  return task;
}

/** Removes a task and its subtasks; returns how many tasks were removed. */
export async function removeTask(uow: TaskUnit, taskId: number): Promise<number> {
  const task = await uow.task.get(taskId);
  const subtasks = await uow.task.find({ where: { parentId: taskId } });
  for (const subtask of subtasks) uow.task.remove(subtask);
  uow.task.remove(task);
  return subtasks.length + 1;
}

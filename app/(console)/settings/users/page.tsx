import type { Metadata } from 'next';
import { Badge } from '@/components/ui/badge';
import { Table, TableHead, Td, Tr } from '@/components/ui/table';
import { requirePageUser } from '@/lib/auth/guards';
import { listUsers } from '@/lib/auth/users';
import { getDb } from '@/lib/db/client';
import { formatDateTime } from '@/lib/ui/format';
import { CreateAndListPage } from '../_components/settings-tabs';
import { CreateUserForm } from './_components/create-user-form';
import { SlackIdForm } from '../_components/slack-id-form';
import { setUserSlackAction } from './actions';
import { UserRowActions } from './_components/user-row-actions';

export const metadata: Metadata = { title: 'Users · Settings' };

export default async function UsersPage() {
  const me = await requirePageUser('users:manage');
  const users = await listUsers(await getDb());
  return (
    <CreateAndListPage
      user={me}
      active="/settings/users"
      title="Users"
      description="People who sign in to the console, their roles, and who is deactivated."
      createTitle="Add a person"
      createForm={<CreateUserForm />}
      listTitle={`People (${users.length})`}
    >
      <Table>
        <TableHead columns={['Email', 'Name', 'Role', 'State', 'Slack member ID', 'Last sign-in', 'Created']} actions />
        <tbody className="divide-y divide-slate-100">
          {users.map((u) => (
            <Tr key={u.id}>
              <Td>{u.email}</Td>
              <Td>{u.name}</Td>
              <Td>
                <Badge>{u.role}</Badge>
              </Td>
              <Td>{u.banned ? <Badge tone="red">deactivated</Badge> : <Badge tone="green">active</Badge>}</Td>
              <Td>
                <SlackIdForm action={setUserSlackAction} userId={u.id} slackUserId={u.slackUserId} label={`Slack member ID of ${u.email}`} />
              </Td>
              <Td className="text-xs">{formatDateTime(u.lastSignInAt)}</Td>
              <Td className="text-xs">{formatDateTime(u.createdAt)}</Td>
              <Td>
                <UserRowActions user={{ id: u.id, email: u.email, role: u.role, active: !u.banned }} isSelf={u.id === me.id} />
              </Td>
            </Tr>
          ))}
        </tbody>
      </Table>
    </CreateAndListPage>
  );
}

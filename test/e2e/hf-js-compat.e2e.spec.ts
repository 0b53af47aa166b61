import { checkRepoAccess, createRepo, datasetInfo, HubApiError, modelInfo, repoExists, spaceInfo, uploadFiles } from '@huggingface/hub';
import { startTestApp, TestApp } from '../support/test-app';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';

/** What @huggingface/hub sends by default: `HEAD` as the revision, `expand[]=`, and how it reads a 401. */
describe('@huggingface/hub defaults', () => {
  let t: TestApp;
  let owner: TestUser;
  let stranger: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    owner = await createUserWithToken(t);
    stranger = await createUserWithToken(t);
  });
  afterAll(() => t.close());

  it('modelInfo, datasetInfo and spaceInfo ask for revision HEAD: the default branch head', async () => {
    const creds = { accessToken: owner.token, hubUrl: t.baseUrl };
    const model = `${owner.username}/${uniqueName('m')}`;
    await createRepo({ repo: { type: 'model', name: model }, ...creds });
    await uploadFiles({ repo: { type: 'model', name: model }, ...creds, files: [{ path: 'a.txt', content: new Blob(['a']) }], useXet: false });
    const info = await modelInfo({ name: model, ...creds, additionalFields: ['sha'] });
    expect(info.name).toBe(model);
    const refs = await t.http().get(`/api/models/${model}/refs`).expect(200);
    expect(info.sha).toBe(refs.body.branches.find((b: { name: string }) => b.name === 'main').targetCommit);

    const dataset = `${owner.username}/${uniqueName('d')}`;
    await createRepo({ repo: { type: 'dataset', name: dataset }, ...creds });
    expect((await datasetInfo({ name: dataset, ...creds })).name).toBe(dataset);

    const space = `${owner.username}/${uniqueName('s')}`;
    await createRepo({ repo: { type: 'space', name: space }, ...creds, sdk: 'static' });
    expect((await spaceInfo({ name: space, ...creds })).name).toBe(space);
  });

  it('repoExists (expand[]=likes) and checkRepoAccess: anonymous 401 RepoNotFound, strangers 404', async () => {
    const creds = { accessToken: owner.token, hubUrl: t.baseUrl };
    const name = `${owner.username}/${uniqueName('p')}`;
    const repo = { type: 'model' as const, name };
    await createRepo({ repo, ...creds, private: true });

    expect(await repoExists({ repo, ...creds })).toBe(true);
    expect(await repoExists({ repo, hubUrl: t.baseUrl })).toBe(false);
    expect(await repoExists({ repo: { type: 'model', name: `${owner.username}/${uniqueName('nope')}` }, hubUrl: t.baseUrl })).toBe(false);
    await expect(checkRepoAccess({ repo, ...creds })).resolves.toBeUndefined();

    const anonymous = await checkRepoAccess({ repo, hubUrl: t.baseUrl }).catch((e: unknown) => e);
    expect(anonymous).toBeInstanceOf(HubApiError);
    expect((anonymous as HubApiError).statusCode).toBe(401);
    const strange = await checkRepoAccess({ repo, accessToken: stranger.token, hubUrl: t.baseUrl }).catch((e: unknown) => e);
    expect((strange as HubApiError).statusCode).toBe(404);

    const raw = await t.http().get(`/api/models/${name}?expand[]=likes`);
    expect([raw.status, raw.headers['x-error-code']]).toEqual([401, 'RepoNotFound']);
  });
});

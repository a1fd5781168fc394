/** The knowledge base of fraud typologies (AFC-7): proposed by participants, published by the operator. */
export { type ArticleContent, TYPOLOGY_TAGS, type TypologyTag } from './domain/article.ts';
export { afcKnowledgeMigrations } from './migrations.ts';
export { type AfcKnowledgeRouteDeps, afcKnowledgeRoutes } from './routes.ts';
export { AfcKnowledge, type AfcKnowledgeDeps, KB_EDITORS, KB_PROPOSERS, type ProposalInput } from './service.ts';
export type { ArticleSummary, ArticleVersion, Proposal } from './store.ts';

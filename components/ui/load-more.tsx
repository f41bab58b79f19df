import { Button } from "./button";

/** The next page of a cursor-paged list, when there is one. */
export function LoadMore({ query }: { query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown } }) {
  if (!query.hasNextPage) return null;
  return (
    <div className="p-3 text-center">
      <Button variant="secondary" size="sm" onClick={() => query.fetchNextPage()} disabled={query.isFetchingNextPage}>Load more</Button>
    </div>
  );
}

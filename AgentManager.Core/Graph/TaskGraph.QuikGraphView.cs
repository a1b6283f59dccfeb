using QuikGraph;

namespace AgentManager.Graph;

public sealed partial class TaskGraph
{
    /// <summary>A read-only QuikGraph view of a <see cref="TaskGraph"/>, so QuikGraph's algorithms run over
    /// its adjacency arrays without a copy. Vertices are task indexes; an edge runs from a dependency to
    /// its dependent.</summary>
    /// <remarks>QuikGraph's own <c>BidirectionalGraph</c> was the store until a 1,000,000-task bulk load
    /// spent a third of its time growing its per-vertex edge lists (docs/performance.md); the graph now
    /// keeps its own arrays and QuikGraph reads them through this view.</remarks>
    private sealed class QuikGraphView(TaskGraph graph) : IBidirectionalGraph<int, SEquatableEdge<int>>
    {
        public bool IsDirected => true;

        public bool AllowParallelEdges => false;

        public bool IsVerticesEmpty => graph.Count == 0;

        public int VertexCount => graph.Count;

        public IEnumerable<int> Vertices => Enumerable.Range(0, graph._next).Where(ContainsVertex);

        public bool IsEdgesEmpty => graph._edgeCount == 0;

        public int EdgeCount => graph._edgeCount;

        public IEnumerable<SEquatableEdge<int>> Edges => Vertices.SelectMany(OutEdges);

        public bool ContainsVertex(int vertex) => (uint)vertex < (uint)graph._next && graph._ids[vertex] is not null;

        public bool ContainsEdge(SEquatableEdge<int> edge) => ContainsEdge(edge.Source, edge.Target);

        public bool ContainsEdge(int source, int target) =>
            ContainsVertex(source) && ContainsVertex(target) && graph._dependents.Contains(source, target);

        public bool TryGetEdge(int source, int target, out SEquatableEdge<int> edge)
        {
            edge = new SEquatableEdge<int>(source, target);
            return ContainsEdge(source, target);
        }

        public bool TryGetEdges(int source, int target, out IEnumerable<SEquatableEdge<int>> edges)
        {
            edges = ContainsEdge(source, target) ? [new SEquatableEdge<int>(source, target)] : [];
            return ContainsVertex(source);
        }

        public bool IsOutEdgesEmpty(int vertex) => OutDegree(vertex) == 0;

        public int OutDegree(int vertex) => graph._dependents.CountOf(Checked(vertex));

        public IEnumerable<SEquatableEdge<int>> OutEdges(int vertex) =>
            graph._dependents.Of(Checked(vertex)).ToArray().Select(target => new SEquatableEdge<int>(vertex, target));

        public bool TryGetOutEdges(int vertex, out IEnumerable<SEquatableEdge<int>> edges)
        {
            edges = ContainsVertex(vertex) ? OutEdges(vertex) : [];
            return ContainsVertex(vertex);
        }

        public SEquatableEdge<int> OutEdge(int vertex, int index) => new(vertex, graph._dependents.Of(Checked(vertex))[index]);

        public bool IsInEdgesEmpty(int vertex) => InDegree(vertex) == 0;

        public int InDegree(int vertex) => graph._dependencies.CountOf(Checked(vertex));

        public IEnumerable<SEquatableEdge<int>> InEdges(int vertex) =>
            graph._dependencies.Of(Checked(vertex)).ToArray().Select(source => new SEquatableEdge<int>(source, vertex));

        public bool TryGetInEdges(int vertex, out IEnumerable<SEquatableEdge<int>> edges)
        {
            edges = ContainsVertex(vertex) ? InEdges(vertex) : [];
            return ContainsVertex(vertex);
        }

        public SEquatableEdge<int> InEdge(int vertex, int index) => new(graph._dependencies.Of(Checked(vertex))[index], vertex);

        public int Degree(int vertex) => InDegree(vertex) + OutDegree(vertex);

        private int Checked(int vertex) => ContainsVertex(vertex)
            ? vertex
            : throw new VertexNotFoundException($"The graph has no task with index {vertex}.");
    }
}

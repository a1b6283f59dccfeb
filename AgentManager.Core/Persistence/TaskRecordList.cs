using System.Collections;

namespace AgentManager.Persistence;

/// <summary>The whole task records of a <see cref="StateChanges"/> batch, in order: a list of <see cref="TaskRecord"/>s
/// that the engine may fill with its live tasks instead, each read as a record only when a store reads it.</summary>
/// <remarks>A record that the engine added is made each time it is read (the indexer and the enumerator give a new,
/// equal record per read), from the task as it is while the batch is committed: the engine changes none of a batch's
/// tasks before its commit ends. So a store that reads each entry once, in order, and stores it holds one record at a
/// time, and a 100,000-task create keeps no 100,000 records alive until its commit ends. Records added here are read
/// back as the same instances.</remarks>
public sealed class TaskRecordList : IReadOnlyList<TaskRecord>
{
    private ITaskRecordSource[] _items = [];
    private int _count;

    internal TaskRecordList()
    {
    }

    /// <summary>Gets the number of records.</summary>
    public int Count => _count;

    /// <summary>Gets or replaces the record at <paramref name="index"/>.</summary>
    /// <param name="index">The position, from 0.</param>
    /// <returns>The record added there, or a new record of the engine's task added there.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative or not less than <see cref="Count"/>.</exception>
    /// <exception cref="ArgumentNullException">The value set is null.</exception>
    public TaskRecord this[int index]
    {
        get => SourceAt(index).ToRecord();
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
            _items[index] = value;
        }
    }

    /// <summary>Adds a record at the end.</summary>
    /// <param name="record">The record.</param>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    public void Add(TaskRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        AddSource(record);
    }

    /// <summary>Adds records at the end, in order.</summary>
    /// <param name="records">The records.</param>
    /// <exception cref="ArgumentNullException"><paramref name="records"/> or one of them is null; none was added.</exception>
    public void AddRange(IEnumerable<TaskRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var added = records.ToArray();
        foreach (var record in added)
        {
            ArgumentNullException.ThrowIfNull(record, nameof(records));
        }

        EnsureCapacity(_count + added.Length);
        foreach (var record in added)
        {
            _items[_count++] = record;
        }
    }

    /// <summary>Removes every record.</summary>
    public void Clear()
    {
        Array.Clear(_items, 0, _count);
        _count = 0;
    }

    /// <summary>Makes room for at least <paramref name="capacity"/> records without growing again.</summary>
    /// <param name="capacity">The number of records to make room for.</param>
    /// <returns>The room there is now.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative.</exception>
    public int EnsureCapacity(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        if (capacity > _items.Length)
        {
            Array.Resize(ref _items, Math.Max(capacity, Math.Min(Array.MaxLength, Math.Max(4, 2 * _items.Length))));
        }

        return _items.Length;
    }

    /// <summary>Removes the records that match, keeping the order of the others.</summary>
    /// <param name="match">What a record to remove is.</param>
    /// <returns>How many were removed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="match"/> is null.</exception>
    public int RemoveAll(Predicate<TaskRecord> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        return RemoveWhere(static (source, match) => match(source.ToRecord()), match);
    }

    /// <summary>Gets an enumerator over the records, in order.</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<TaskRecord> IEnumerable<TaskRecord>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Adds a record's values at the end: a record, or a live task read as a record only when read.</summary>
    internal void AddSource(ITaskRecordSource source)
    {
        if (_count == _items.Length)
        {
            EnsureCapacity(_count + 1);
        }

        _items[_count++] = source;
    }

    /// <summary>Gets the values at <paramref name="index"/> without making a record of them.</summary>
    internal ITaskRecordSource SourceAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
        return _items[index];
    }

    /// <summary>Removes the entries of one workflow, without making records of them.</summary>
    internal int RemoveWorkflow(string workflowId) =>
        RemoveWhere(static (source, id) => string.Equals(source.WorkflowId, id, StringComparison.Ordinal), workflowId);

    private int RemoveWhere<TState>(Func<ITaskRecordSource, TState, bool> match, TState state)
    {
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            if (!match(_items[i], state))
            {
                _items[kept++] = _items[i];
            }
        }

        var removed = _count - kept;
        Array.Clear(_items, kept, removed);
        _count = kept;
        return removed;
    }

    /// <summary>Enumerates the records of a <see cref="TaskRecordList"/>, in order.</summary>
    public struct Enumerator : IEnumerator<TaskRecord>
    {
        private readonly TaskRecordList _list;
        private int _index;
        private TaskRecord? _current;

        internal Enumerator(TaskRecordList list) => (_list, _index, _current) = (list, -1, null);

        /// <summary>Gets the record at the enumerator's position.</summary>
        public readonly TaskRecord Current => _current ?? throw new InvalidOperationException("The enumerator is before the first record or after the last.");

        readonly object IEnumerator.Current => Current;

        /// <summary>Moves to the next record.</summary>
        /// <returns><see langword="false"/> when there is none.</returns>
        public bool MoveNext()
        {
            if (++_index < _list._count)
            {
                _current = _list._items[_index].ToRecord();
                return true;
            }

            _index = _list._count;
            _current = null;
            return false;
        }

        /// <summary>Moves back to before the first record.</summary>
        public void Reset() => (_index, _current) = (-1, null);

        /// <summary>Does nothing: the enumerator holds no resources.</summary>
        public readonly void Dispose()
        {
        }
    }
}

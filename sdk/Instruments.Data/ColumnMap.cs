using System.Collections.Immutable;
using System.Text;
using Instruments.Data.IO;
using Instruments.Scoring;
using Instruments.Text;

namespace Instruments.Data;

/// <summary>One entry of a <see cref="ColumnMap"/>: an input column (or JSON key) read as an item.</summary>
/// <param name="Column">The input's column name, as it is spelt there (case-sensitive), e.g. a REDCap field name.</param>
/// <param name="Item">The id of the item the column is read as.</param>
/// <param name="Line">The 1-based line of the entry in the map file.</param>
public readonly record struct ColumnMapEntry(string Column, string Item, int Line);

/// <summary>
/// Reads input columns under other names: a REDCap raw-data export (fields <c>phq1</c> ... <c>phq9</c>) is scored by an
/// instrument whose items are <c>phq9_1</c> ... <c>phq9_9</c> without renaming any column. The map is a two-column CSV
/// file with a header row, <c>redcap_field,item_id</c>, then one <c>column,item</c> pair a line. A mapped column is read
/// as its item (and is not passed through); every other column is read as before (an item id is its item, anything
/// else is passed through). The map is applied once, when a reader reads the header (CSV) or first sees a key (JSON,
/// NDJSON): reading rows costs nothing more.
/// </summary>
/// <example>
/// <code>
/// var map = ColumnMap.Load("redcap-map.csv");
/// map.Validate(plan);                                   // an entry naming an unknown item throws, before anything is read
/// using var reader = ResponseReader.Open(stream, DataFormat.Csv, plan, warnings: Console.Error.WriteLine, columnMap: map);
/// </code>
/// </example>
public sealed class ColumnMap
{
    /// <summary>Largest accepted map file, in bytes (1 MiB).</summary>
    public const int MaxFileBytes = 1 << 20;

    private readonly Dictionary<string, ColumnMapEntry> _byColumn;

    private ColumnMap(string source, ImmutableArray<ColumnMapEntry> entries)
    {
        Source = source;
        Entries = entries;
        _byColumn = entries.ToDictionary(e => e.Column, StringComparer.Ordinal);
    }

    /// <summary>Where the map came from (its path), as messages name it.</summary>
    public string Source { get; }

    /// <summary>The entries, in file order.</summary>
    public ImmutableArray<ColumnMapEntry> Entries { get; }

    /// <summary>Reads a map file (UTF-8; a byte order mark is skipped).</summary>
    /// <param name="path">The map file; messages name it.</param>
    /// <returns>The map.</returns>
    /// <exception cref="ResponseFileException">The file is not a column map (see <see cref="Parse"/>), too large or not UTF-8.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ColumnMap Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (info.Exists && info.Length > MaxFileBytes)
        {
            throw new ResponseFileException($"column map '{path}' is {info.Length:N0} bytes; a map is limited to {MaxFileBytes:N0} bytes");
        }

        var bytes = File.ReadAllBytes(path);
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new ResponseFileException($"column map '{path}' is not valid UTF-8");
        }

        return Parse(text, path);
    }

    /// <summary>
    /// Parses a map: a header row naming the two columns (<c>redcap_field,item_id</c>; <c>field</c> or <c>column</c>, then
    /// <c>item</c>, are accepted too), then one <c>column,item</c> pair a line (RFC 4180 quoting; blank lines skipped).
    /// </summary>
    /// <param name="text">The map's CSV text.</param>
    /// <param name="source">The name messages give the map (its path).</param>
    /// <returns>The map.</returns>
    /// <exception cref="ResponseFileException">
    /// No header, a row without exactly two cells, an empty cell, a column mapped twice, or two columns mapped to one item;
    /// the message names the line.
    /// </exception>
    public static ColumnMap Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        var bytes = Encoding.UTF8.GetBytes(text.StartsWith('\uFEFF') ? text[1..] : text);
        var entries = new List<ColumnMapEntry>();
        var byColumn = new Dictionary<string, ColumnMapEntry>(StringComparer.Ordinal);
        var byItem = new Dictionary<string, ColumnMapEntry>(StringComparer.Ordinal);
        var scratch = new ByteBuffer(64);
        var fields = new Range[3];
        var position = 0;
        var line = 1;
        var header = true;
        while (true)
        {
            var span = bytes.AsSpan(position);
            var outcome = Csv.ScanRecord(span, eof: true, out var end, out var contentEnd, out var lines, out var reason);
            if (outcome == CsvOutcome.End)
            {
                break;
            }

            if (outcome == CsvOutcome.Malformed)
            {
                throw new ResponseFileException($"column map '{source}' line {line}: {reason}");
            }

            if (outcome == CsvOutcome.Record)
            {
                var record = span[..contentEnd];
                var count = Csv.SplitFields(record, fields);
                if (count != 2)
                {
                    throw new ResponseFileException($"column map '{source}' line {line}: expected two cells (a column name, then an item id), found {count}");
                }

                var column = Encoding.UTF8.GetString(Csv.Unquote(record[fields[0]], scratch)).Trim();
                var item = Encoding.UTF8.GetString(Csv.Unquote(record[fields[1]], scratch)).Trim();
                if (header)
                {
                    header = false;
                    if (column is not ("redcap_field" or "field" or "column") || item is not ("item_id" or "item"))
                    {
                        throw new ResponseFileException(
                            $"column map '{source}' line {line}: the first line must be the header 'redcap_field,item_id', not '{Warnings.Visible(column)},{Warnings.Visible(item)}'");
                    }
                }
                else
                {
                    if (column.Length == 0 || item.Length == 0)
                    {
                        throw new ResponseFileException($"column map '{source}' line {line}: {(column.Length == 0 ? "the column name" : "the item id")} is empty");
                    }

                    var entry = new ColumnMapEntry(column, item, line);
                    if (byColumn.TryGetValue(column, out var earlier))
                    {
                        throw new ResponseFileException($"column map '{source}' line {line}: column '{Warnings.Visible(column)}' is already mapped on line {earlier.Line} (to '{Warnings.Visible(earlier.Item)}')");
                    }

                    if (byItem.TryGetValue(item, out var other))
                    {
                        throw new ResponseFileException($"column map '{source}' line {line}: item '{Warnings.Visible(item)}' is already mapped from column '{Warnings.Visible(other.Column)}' on line {other.Line}; one item is read from one column");
                    }

                    byColumn[column] = entry;
                    byItem[item] = entry;
                    entries.Add(entry);
                }
            }

            line += lines;
            position += end;
        }

        if (header)
        {
            throw new ResponseFileException($"column map '{source}' is empty; it needs the header 'redcap_field,item_id' and one 'column,item' line per mapped column");
        }

        return new ColumnMap(source, [.. entries]);
    }

    /// <summary>
    /// Checks the map against <paramref name="plan"/>'s items: an entry naming an item the instrument does not have is an
    /// error, found before any input is read. Readers opened with the map check it too.
    /// </summary>
    /// <param name="plan">The plan the input is scored with.</param>
    /// <exception cref="ResponseFileException">An entry names an unknown item (every such entry is named, with a suggestion).</exception>
    public void Validate(ScoringPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var ids = plan.Definition.Items.Select(i => i.Id).ToList();
        var unknown = Entries.Where(e => plan.IndexOfItem(e.Item) < 0).ToList();
        if (unknown.Count == 0)
        {
            return;
        }

        var lines = unknown.Select(e =>
        {
            var close = NameSuggester.Closest(e.Item, ids, 1);
            return $"line {e.Line}: '{Warnings.Visible(e.Column)}' is mapped to '{Warnings.Visible(e.Item)}', which is not an item of '{plan.Definition.Id}'"
                + (close.Count > 0 ? $" (did you mean '{close[0]}'?)" : string.Empty);
        });
        throw new ResponseFileException($"column map '{Source}': " + string.Join("; ", lines));
    }

    /// <summary>The item index a column is read as under this map: the mapped item, or -1 when the map does not name the column.</summary>
    internal bool TryMap(string column, ScoringPlan plan, out int item)
    {
        if (_byColumn.TryGetValue(column, out var entry))
        {
            item = plan.IndexOfItem(entry.Item);
            return true;
        }

        item = -1;
        return false;
    }

    /// <summary>The item index of an input column: the map's item for a mapped column, else the item of that id, else -1.</summary>
    internal static int ItemOf(ColumnMap? map, string column, ScoringPlan plan) =>
        map is not null && map.TryMap(column, plan, out var mapped) ? mapped : plan.IndexOfItem(column);

    /// <summary>The warning for map entries whose column the input's header lacks (null when it has them all).</summary>
    internal string? AbsentColumns(IReadOnlyCollection<string> header)
    {
        var names = new HashSet<string>(header, StringComparer.Ordinal);
        var absent = Entries.Where(e => !names.Contains(e.Column)).ToList();
        if (absent.Count == 0)
        {
            return null;
        }

        return $"column map '{Source}' maps {(absent.Count == 1 ? "column" : "columns")} "
            + string.Join(", ", absent.Select(e => $"'{Warnings.Visible(e.Column)}' (line {e.Line}, to item '{Warnings.Visible(e.Item)}')"))
            + $" that the input's header does not have; {(absent.Count == 1 ? "that entry is" : "those entries are")} not used";
    }
}

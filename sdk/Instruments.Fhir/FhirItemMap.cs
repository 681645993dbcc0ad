using Hl7.Fhir.Model;
using Instruments.Definitions;

namespace Instruments.Fhir;

/// <summary>
/// Finds the item a QuestionnaireResponse <c>linkId</c> answers, in this order: the Questionnaire the response answers
/// (when given: the <c>linkId</c>'s question code there names the item with that code); a <c>linkId</c> equal to an item
/// id; a <c>linkId</c> whose last <c>/</c>-separated part is an item's question code (the LOINC-style <c>/44250-9</c>
/// that form tools write, or a bare <c>44250-9</c>). Immutable; build one per instrument (and Questionnaire) and reuse it.
/// </summary>
public sealed class FhirItemMap
{
    private readonly Dictionary<string, int> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), int> _byCoding = [];
    private readonly Dictionary<string, int> _byCode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _byQuestionnaire = new(StringComparer.Ordinal);

    private FhirItemMap(InstrumentDefinition definition)
    {
        Definition = definition;
        var ambiguous = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < definition.Items.Length; i++)
        {
            var item = definition.Items[i];
            _byId.TryAdd(item.Id, i);
            if (item.Code is { } code)
            {
                _byCoding.TryAdd((code.System, code.Code), i);
                if (!_byCode.TryAdd(code.Code, i))
                {
                    ambiguous.Add(code.Code);
                }
            }
        }

        // A bare code shared by items of two systems names neither.
        foreach (var code in ambiguous)
        {
            _byCode.Remove(code);
        }
    }

    /// <summary>The instrument whose items are found.</summary>
    public InstrumentDefinition Definition { get; }

    /// <summary>The number of <c>linkId</c>s the Questionnaire mapped to items (0 without one).</summary>
    public int QuestionnaireLinkIds => _byQuestionnaire.Count;

    /// <summary>A map by item id and question code.</summary>
    /// <param name="definition">The instrument.</param>
    /// <returns>The map.</returns>
    public static FhirItemMap Create(InstrumentDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new FhirItemMap(definition);
    }

    /// <summary>
    /// A map that also reads <paramref name="questionnaire"/>: every item of it (in groups too) with a code that is one of
    /// the instrument's question codes maps its <c>linkId</c> to that item.
    /// </summary>
    /// <param name="definition">The instrument.</param>
    /// <param name="questionnaire">The Questionnaire the responses answer.</param>
    /// <returns>The map.</returns>
    public static FhirItemMap Create(InstrumentDefinition definition, Questionnaire questionnaire)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(questionnaire);
        var map = new FhirItemMap(definition);
        map.AddQuestionnaireItems(questionnaire.Item);
        return map;
    }

    private void AddQuestionnaireItems(List<Questionnaire.ItemComponent> items)
    {
        foreach (var qi in items)
        {
            if (qi.LinkId is { } linkId)
            {
                foreach (var coding in qi.Code)
                {
                    if (coding.System is { } system && coding.Code is { } code && _byCoding.TryGetValue((system, code), out var index))
                    {
                        _byQuestionnaire.TryAdd(linkId, index);
                        break;
                    }
                }
            }

            AddQuestionnaireItems(qi.Item);
        }
    }

    /// <summary>The index of the item <paramref name="linkId"/> answers, or -1.</summary>
    /// <param name="linkId">A QuestionnaireResponse item's <c>linkId</c>.</param>
    /// <returns>The item's index in the definition, or -1.</returns>
    public int Find(string? linkId)
    {
        if (string.IsNullOrEmpty(linkId))
        {
            return -1;
        }

        if (_byQuestionnaire.TryGetValue(linkId, out var index) || _byId.TryGetValue(linkId, out index))
        {
            return index;
        }

        var slash = linkId.LastIndexOf('/');
        var last = slash < 0 ? linkId : linkId[(slash + 1)..];
        return last.Length > 0 && _byCode.TryGetValue(last, out index) ? index : -1;
    }
}

/* Commune picker: search communes by name, postcode or INSEE code (action socle_commune_list)
 * and keep the chosen INSEE codes, comma separated, in the original text input (which stays the
 * no-JavaScript fallback). Options: data-module-multiple, data-module-source, labels. */
ckan.module('socle-commune-picker', function ($) {
  return {
    options: {multiple: true, source: '/api/3/action/socle_commune_list',
              searchLabel: 'Rechercher une commune', removeLabel: 'Retirer', emptyLabel: 'Aucune commune trouvée'},

    initialize: function () {
      $.proxyAll(this, /_on/);
      this.multiple = String(this.options.multiple) !== 'false';
      this.value = this.$('.socle-picker-value');
      this.chosen = this.$('.socle-picker-chosen');
      this.value.attr('type', 'hidden');
      this.search = $('<input type="search" class="form-control socle-picker-search" autocomplete="off">')
        .attr('id', this.value.attr('id') + '-search')
        .attr('placeholder', this.value.attr('placeholder') || this.options.searchLabel)
        .attr('aria-label', this.options.searchLabel)
        .attr('aria-autocomplete', 'list');
      this.results = $('<ul class="socle-picker-results" role="listbox"></ul>').hide();
      this.value.after(this.search, this.results);
      this.$('label').attr('for', this.value.attr('id') + '-search');
      this.chosen.children('li').each(this._onDecorate);
      this.search.on('input', this._onInput).on('keydown', this._onKeydown);
      this.results.on('mousedown', 'li[data-code]', this._onPick);
      this.chosen.on('click', 'button', this._onRemove);
      this.search.on('blur', this._onBlur);
    },

    _onDecorate: function (index, item) {
      $('<button type="button" class="socle-chip-remove">×</button>')
        .attr('aria-label', this.options.removeLabel + ' ' + $(item).data('label'))
        .appendTo(item);
    },

    _codes: function () {
      return this.chosen.children('li').map(function () { return String($(this).data('code')); }).get();
    },

    _sync: function () { this.value.val(this._codes().join(', ')); },

    _onInput: function () {
      var term = $.trim(this.search.val());
      clearTimeout(this.timer);
      if (term.length < 2) { this.results.hide(); return; }
      this.timer = setTimeout(this._onFetch, 200);
    },

    _onFetch: function () {
      var term = $.trim(this.search.val()), self = this;
      $.getJSON(this.options.source, {q: term, limit: 8}).done(function (data) {
        if ($.trim(self.search.val()) !== term) { return; }
        self._show(data.result || []);
      });
    },

    _show: function (rows) {
      var self = this, chosen = this._codes();
      this.results.empty();
      if (!rows.length) {
        $('<li class="socle-picker-empty"></li>').text(this.options.emptyLabel).appendTo(this.results);
      }
      $.each(rows, function (i, row) {
        if (chosen.indexOf(row.code) !== -1) { return; }
        $('<li role="option"></li>')
          .attr('data-code', row.code).attr('data-label', row.name)
          .append($('<span class="socle-chip-name"></span>').text(row.name))
          .append($('<span class="socle-picker-meta"></span>').text(
            row.code + (row.postcodes.length ? ' · ' + row.postcodes.slice(0, 2).join(', ') : '') +
            (row.epci_name ? ' · ' + row.epci_name : '')))
          .appendTo(self.results);
      });
      this.active = -1;
      this.results.show();
    },

    _add: function (code, label) {
      if (!this.multiple) { this.chosen.empty(); }
      if (this._codes().indexOf(String(code)) === -1) {
        var item = $('<li class="socle-chip"></li>').attr('data-code', code).attr('data-label', label)
          .append($('<span class="socle-chip-name"></span>').text(label))
          .append($('<span class="socle-chip-code"></span>').text(code));
        this._onDecorate(0, item);
        this.chosen.append(item);
      }
      this._sync();
      this.search.val('');
      this.results.hide();
    },

    _onPick: function (event) {
      event.preventDefault();
      var item = $(event.currentTarget);
      this._add(item.data('code'), item.data('label'));
    },

    _onRemove: function (event) {
      $(event.currentTarget).closest('li').remove();
      this._sync();
    },

    _onBlur: function () { var results = this.results; setTimeout(function () { results.hide(); }, 150); },

    _onKeydown: function (event) {
      var items = this.results.children('li[data-code]');
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        this.active = Math.max(0, Math.min(items.length - 1, this.active + (event.key === 'ArrowDown' ? 1 : -1)));
        items.removeClass('active').eq(this.active).addClass('active');
      } else if (event.key === 'Enter') {
        event.preventDefault();  // never submit the whole form from the search box
        var item = items.eq(this.active >= 0 ? this.active : 0);
        if (item.length) { this._add(item.data('code'), item.data('label')); }
      } else if (event.key === 'Escape') {
        this.results.hide();
      }
    }
  };
});
